package io.pvespan.controller.planner;

import io.pvespan.plan.NodeMirrorPlan;
import java.util.Map;

/**
 * Generation and digest of a node plan: the previous plan when the content is unchanged (same
 * generation, same digest, no re-hashing), previous + 1 when it changed, 1 for a node seen for the
 * first time. Comparing records is much cheaper than serialising and hashing a plan.
 */
final class Generations {
  private Generations() {}

  static NodeMirrorPlan assign(NodeMirrorPlan draft, Map<String, NodeMirrorPlan> previous) {
    NodeMirrorPlan before = previous.get(draft.node());
    if (before == null) {
      return draft.withGeneration(1);
    }
    if (sameContent(before, draft)) {
      return before;
    }
    return draft.withGeneration(before.generation() + 1);
  }

  private static boolean sameContent(NodeMirrorPlan a, NodeMirrorPlan b) {
    return a.node().equals(b.node())
        && a.apiVersion().equals(b.apiVersion())
        && a.mirrors().equals(b.mirrors())
        && a.tunnels().equals(b.tunnels())
        && a.deliveries().equals(b.deliveries());
  }
}
