package io.pvespan.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An agent's canaries ({@code docs/canaries.md}): every {@code intervalMillis} it sends one canary
 * per (session, target device) of its active mirrors ({@code sent}), and it counts those arriving
 * at the sensor devices it delivers to ({@code received}, one row per session and source node).
 * {@code authenticated}: canaries are signed with a key from the agents' shared token (false: no
 * token, so a forged canary cannot be told from a real one). {@code countError}: why canaries
 * arriving at this node's sensors cannot be counted (no tcpdump), else absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryStatus(
    long intervalMillis,
    boolean authenticated,
    List<Sent> sent,
    List<Received> received,
    String countError) {
  public CanaryStatus {
    sent = sent == null ? List.of() : List.copyOf(sent);
    received = received == null ? List.of() : List.copyOf(received);
  }

  /** A status whose counting works (or that has nothing to count). */
  public CanaryStatus(
      long intervalMillis, boolean authenticated, List<Sent> sent, List<Received> received) {
    this(intervalMillis, authenticated, sent, received, null);
  }

  /** The last canary sent for {@code session} into {@code device}; {@code error} when it failed. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sent(
      String session, String device, long sequence, Instant lastSent, String error) {}

  /**
   * The newest canary of {@code session} from {@code sourceNode} seen leaving toward the sensor on
   * {@code device}: {@code sentAt} is the source's send time (what "verified N s ago" counts from,
   * so a replayed old canary never looks fresh), {@code count} how many arrived so far.
   */
  public record Received(
      String session,
      String sourceNode,
      String device,
      long sequence,
      Instant sentAt,
      Instant receivedAt,
      long count) {}
}
