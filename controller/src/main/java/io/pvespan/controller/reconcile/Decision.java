package io.pvespan.controller.reconcile;

import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;

/** What one node's reconcile should do next, as {@link Decide#decide} sees it. */
public sealed interface Decision {
  /** Push {@code plan} (the plan in force, possibly renumbered above what the agent holds). */
  record Push(NodeMirrorPlan plan) implements Decision {}

  /** The agent holds the plan's content under a higher generation: take that number, no push. */
  record Adopt(long generation) implements Decision {}

  /** Backing off after failures: nothing before {@code until}. */
  record Wait(Instant until) implements Decision {}

  /** The agent holds the plan in force (or nothing is desired of it). */
  record InSync() implements Decision {}

  /**
   * No push can succeed: the agent claims a generation the controller will not adopt (or there is
   * none above it). Reported on the node and retried with backoff; other nodes are unaffected.
   */
  record Refuse(String reason) implements Decision {}
}
