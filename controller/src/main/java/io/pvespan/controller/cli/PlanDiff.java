package io.pvespan.controller.cli;

import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a change would do, per node: the mirrors, tunnels and deliveries of the proposed plans that
 * the plans in force lack (added) and the reverse (removed), one line each. Generations and digests
 * are ignored (they differ whenever anything does). Pure.
 */
final class PlanDiff {
  private PlanDiff() {}

  /** One node's changes; both empty when the node's plan would not change. */
  record NodeDiff(String node, List<String> added, List<String> removed) {
    boolean changed() {
      return !added.isEmpty() || !removed.isEmpty();
    }
  }

  /** Every node in either set, sorted by name. */
  static List<NodeDiff> of(List<NodeMirrorPlan> inForce, List<NodeMirrorPlan> proposed) {
    Map<String, NodeMirrorPlan> before = byNode(inForce);
    Map<String, NodeMirrorPlan> after = byNode(proposed);
    Set<String> nodes = new TreeSet<>(before.keySet());
    nodes.addAll(after.keySet());
    List<NodeDiff> out = new ArrayList<>();
    for (String node : nodes) {
      Set<String> was = lines(before.get(node));
      Set<String> will = lines(after.get(node));
      out.add(new NodeDiff(node, minus(will, was), minus(was, will)));
    }
    return out;
  }

  static String render(List<NodeDiff> diffs) {
    StringBuilder out = new StringBuilder();
    int changed = 0;
    for (NodeDiff d : diffs) {
      if (!d.changed()) {
        out.append(d.node()).append(": no change\n");
        continue;
      }
      changed++;
      out.append(d.node())
          .append(": ")
          .append(d.added().size())
          .append(" added, ")
          .append(d.removed().size())
          .append(" removed\n");
      d.added().forEach(l -> out.append("  + ").append(l).append('\n'));
      d.removed().forEach(l -> out.append("  - ").append(l).append('\n'));
    }
    out.append(
        changed == 0
            ? "no change to the plans in force\n"
            : "the plans of " + changed + " of " + diffs.size() + " nodes would change\n");
    return out.toString();
  }

  private static Set<String> lines(NodeMirrorPlan p) {
    Set<String> out = new LinkedHashSet<>();
    if (p == null) {
      return out;
    }
    for (MirrorEntry e : p.mirrors()) {
      out.add(mirror(e));
    }
    for (TunnelDevice t : p.tunnels()) {
      out.add("tunnel " + PlanText.tunnel(t));
    }
    for (Delivery d : p.deliveries()) {
      out.add(
          "delivery "
              + d.session()
              + ": "
              + d.from()
              + " "
              + PlanText.ARROW
              + " "
              + d.device()
              + " ("
              + d.state().json()
              + ")");
    }
    return out;
  }

  private static String mirror(MirrorEntry e) {
    String s =
        "mirror "
            + e.session()
            + ": "
            + e.vmid()
            + " "
            + e.nic()
            + " "
            + e.device()
            + ", "
            + e.direction().json()
            + ", "
            + e.state().json()
            + " "
            + PlanText.ARROW
            + " "
            + PlanText.target(e.target());
    String filtered =
        e.filter() == null || e.filter().isEmpty() ? s : s + " (filter " + e.filter() + ")";
    String sampled = e.sample() == null ? filtered : filtered + " (sample " + e.sample() + ")";
    String shared = e.share() == null ? sampled : sampled + " (group share " + e.share() + ")";
    return e.conditioner() == null ? shared : shared + " (" + e.conditioner() + ")";
  }

  private static List<String> minus(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).toList();
  }

  private static Map<String, NodeMirrorPlan> byNode(List<NodeMirrorPlan> plans) {
    Map<String, NodeMirrorPlan> m = new TreeMap<>();
    plans.forEach(p -> m.put(p.node(), p));
    return m;
  }
}
