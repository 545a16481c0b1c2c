package io.pvespan.controller;

import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;

/**
 * One node's agent as the controller sees it at one moment. {@code reachable} is null until the
 * agent was first tried; {@code lastError} the most recent failure (null after a success).
 */
public record AgentSnapshot(
    String node,
    String url,
    Boolean reachable,
    Instant lastContact,
    long appliedGeneration,
    String appliedDigest,
    long desiredGeneration,
    String desiredDigest,
    NodeMirrorStatus lastStatus,
    String lastError,
    long pushes,
    long pushFailures,
    boolean pushInFlight,
    Instant nextAttempt) {
  /** The agent has applied what is desired (or nothing is desired of it). */
  public boolean inSync() {
    return desiredDigest == null || desiredDigest.equals(appliedDigest);
  }
}
