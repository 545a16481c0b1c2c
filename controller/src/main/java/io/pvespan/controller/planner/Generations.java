package io.pvespan.controller.planner;

import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.spec.SpecApi;
import java.util.List;
import java.util.Map;

/**
 * Generation and digest of a node plan: the previous plan when the content is unchanged (same
 * generation, same digest, no re-hashing), previous + 1 when it changed, 1 for a node seen for the
 * first time. Comparing records is much cheaper than serialising and hashing a plan.
 */
final class Generations {
  private Generations() {}

  /**
   * The plan for {@code node} with this content (each list already in the plan's sort order), given
   * the previous plans.
   */
  static NodeMirrorPlan assign(
      String node,
      List<MirrorEntry> mirrors,
      List<TunnelDevice> tunnels,
      List<Delivery> deliveries,
      Map<String, NodeMirrorPlan> previous) {
    NodeMirrorPlan before = previous.get(node);
    if (before != null
        && SpecApi.VERSION.equals(before.apiVersion())
        && before.mirrors().equals(mirrors)
        && before.tunnels().equals(tunnels)
        && before.deliveries().equals(deliveries)) {
      return before;
    }
    long generation = before == null ? 1 : before.generation() + 1;
    return NodeMirrorPlan.of(node, generation, mirrors, tunnels, deliveries);
  }
}
