package io.pvespan.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Proof of coverage for one session's copies from one source node ({@code docs/canaries.md}):
 * {@code verified} when a canary the source agent sent recently arrived at the sensor; {@code
 * lastVerified} the send time of the newest canary seen there, {@code ageSeconds} how long ago that
 * was. {@code checked} false when no canary can tell (the sensor is outside the cluster, or the
 * source agent sends none): then {@code verified} is false and no alert is due.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PathView(
    String node,
    boolean checked,
    boolean verified,
    Instant lastVerified,
    Double ageSeconds,
    String message) {}
