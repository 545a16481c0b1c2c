package io.pvespan.controller.planner;

import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
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
        && sameMirrors(before.mirrors(), mirrors)
        && before.tunnels().equals(tunnels)
        && before.deliveries().equals(deliveries)) {
      return before;
    }
    long generation = before == null ? 1 : before.generation() + 1;
    return NodeMirrorPlan.of(node, generation, mirrors, tunnels, deliveries);
  }

  /**
   * {@code a.equals(b)}, faster: the most telling fields first, and a target shared by many entries
   * (one per session and node) compared once rather than once per entry.
   */
  static boolean sameMirrors(List<MirrorEntry> a, List<MirrorEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    MirrorTarget lastA = null;
    MirrorTarget lastB = null;
    for (int i = 0; i < a.size(); i++) {
      MirrorEntry x = a.get(i);
      MirrorEntry y = b.get(i);
      if (!x.device().value().equals(y.device().value())
          || !x.session().equals(y.session())
          || x.vmid().value() != y.vmid().value()
          || x.nic().index() != y.nic().index()
          || x.direction() != y.direction()
          || x.state() != y.state()
          || !x.rateLimited().equals(y.rateLimited())
          || !(x.filter() == y.filter() || x.filter().equals(y.filter()))
          || !x.standbyTargets().equals(y.standbyTargets())
          || !x.exclusions().equals(y.exclusions())
          || !java.util.Objects.equals(x.sample(), y.sample())
          || !java.util.Objects.equals(x.share(), y.share())
          || !java.util.Objects.equals(x.conditioner(), y.conditioner())) {
        return false;
      }
      if (x.target() != lastA || y.target() != lastB) {
        if (!x.target().equals(y.target())) {
          return false;
        }
        lastA = x.target();
        lastB = y.target();
      }
    }
    return true;
  }
}
