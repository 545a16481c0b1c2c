package io.pvespan.controller.agents;

/** What became of one {@code PUT /v1/plan}. */
public sealed interface PushOutcome {
  /** 2xx: the agent accepted the plan. */
  record Applied() implements PushOutcome {}

  /**
   * 409: the agent holds a newer generation (e.g. the controller restarted and counts from 1
   * again). {@code agentGeneration} when the answer said it, else null.
   */
  record Stale(Long agentGeneration, String reason) implements PushOutcome {}

  /**
   * Any other answer ({@code httpStatus}) or none ({@code httpStatus} 0: connection, TLS, timeout):
   * retried with backoff.
   */
  record Failed(int httpStatus, String reason) implements PushOutcome {}
}
