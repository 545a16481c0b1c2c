package io.pvespan.agent.canary;

import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.status.EntryStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where canaries go and where they are counted, from a node's plan and its entries' states. Pure.
 */
final class CanaryTargets {
  private CanaryTargets() {}

  /** One canary per interval: {@code session}'s copies leave this node into {@code device}. */
  record Send(String session, InterfaceName device) implements Comparable<Send> {
    @Override
    public int compareTo(Send o) {
      int c = session.compareTo(o.session);
      return c != 0 ? c : device.value().compareTo(o.device.value());
    }
  }

  /**
   * The (session, target device) pairs of the mirrors the agent reports {@code active} (their
   * filters are in place on the guest's device and point at that target): the canary enters the
   * target device, where the mirred copies enter it. A waiting or failed mirror sends none, so its
   * path is "not verified". Standby targets get none (they deliver nothing while the sensor is
   * elsewhere).
   */
  static Set<Send> sends(NodeMirrorPlan plan, List<EntryStatus> entries) {
    Set<String> active = new TreeSet<>();
    for (EntryStatus e : entries) {
      if ("active".equals(e.state()) && e.direction() != null) {
        active.add(e.session() + "\0" + e.device().value());
      }
    }
    Set<Send> out = new TreeSet<>();
    for (MirrorEntry m : plan.mirrors()) {
      if (active.contains(m.session() + "\0" + m.device().value())) {
        InterfaceName target =
            m.target() instanceof LocalTarget l ? l.device() : ((TunnelTarget) m.target()).device();
        out.add(new Send(m.session(), target));
      }
    }
    return out;
  }

  /**
   * Sensor devices on this node and the sessions whose canaries count there: each delivery's sensor
   * device (copies from other nodes) and each local mirror's target (copies from here).
   */
  static Map<InterfaceName, Set<String>> watches(NodeMirrorPlan plan) {
    Map<InterfaceName, Set<String>> out = new TreeMap<>();
    for (Delivery d : plan.deliveries()) {
      if (d.state() == EntryState.ACTIVE) {
        out.computeIfAbsent(d.device(), k -> new TreeSet<>()).add(d.session());
      }
    }
    for (MirrorEntry m : plan.mirrors()) {
      if (m.target() instanceof LocalTarget l) {
        out.computeIfAbsent(l.device(), k -> new TreeSet<>()).add(m.session());
      }
    }
    return out;
  }
}
