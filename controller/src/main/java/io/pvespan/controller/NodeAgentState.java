package io.pvespan.controller;

import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.time.Instant;

/**
 * What the controller knows about one node's agent. Mutable; every access holds the {@link
 * ControllerState} monitor.
 */
final class NodeAgentState {
  final String node;
  URI url;

  /** Why there is no URL (no address known), or null. */
  String urlProblem;

  Boolean reachable;
  Instant lastContact;
  String lastError;
  NodeMirrorStatus lastStatus;

  /** From the agent's status or our last successful push, whichever is newer; 0/null: unknown. */
  long appliedGeneration;

  String appliedDigest;

  long pushes;
  long pushFailures;
  int failedAttempts;
  Instant nextAttempt = Instant.MIN;
  int staleStreak;
  boolean pushInFlight;
  boolean statusInFlight;

  /** Counts finished pushes, so a status fetched across a push is not taken as newer. */
  long pushEpoch;

  NodeAgentState(String node) {
    this.node = node;
  }

  void recordApplied(long generation, String digest) {
    if (generation >= appliedGeneration) {
      appliedGeneration = generation;
      appliedDigest = digest;
    }
  }

  AgentSnapshot snapshot(long desiredGeneration, String desiredDigest) {
    return new AgentSnapshot(
        node,
        url == null ? null : url.toString(),
        reachable,
        lastContact,
        appliedGeneration,
        appliedDigest,
        desiredGeneration,
        desiredDigest,
        lastStatus,
        urlProblem != null ? urlProblem : lastError,
        pushes,
        pushFailures,
        pushInFlight,
        nextAttempt.equals(Instant.MIN) ? null : nextAttempt);
  }
}
