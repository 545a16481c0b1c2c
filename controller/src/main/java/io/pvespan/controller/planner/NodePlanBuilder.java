package io.pvespan.controller.planner;

import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects one node's mirrors, tunnels and deliveries. A tunnel device is shared by every session
 * that needs the same one; two different tunnels under one name are an error (the kernel allows one
 * VXLAN device per VNI, and a name is one device).
 */
final class NodePlanBuilder {
  private final String node;

  private final List<MirrorEntry> mirrors = new ArrayList<>();

  private final Map<InterfaceName, TunnelDevice> tunnels = new HashMap<>();
  private final List<Delivery> deliveries = new ArrayList<>();

  NodePlanBuilder(String node) {
    this.node = node;
  }

  /**
   * Adds what {@code session} contributes here. Sessions must come in the order of the specs (by
   * name): on a tunnel clash the first one keeps the device and the later one is named in the
   * error.
   */
  void add(NodePart part, String session, PlanProblems problems) {
    mirrors.addAll(part.mirrors());
    for (TunnelDevice tunnel : part.tunnels()) {
      tunnel(tunnel, session, problems);
    }
    deliveries.addAll(part.deliveries());
  }

  /** Adds {@code tunnel} unless the same device is already there; a clash is recorded. */
  private void tunnel(TunnelDevice tunnel, String session, PlanProblems problems) {
    TunnelDevice present = tunnels.putIfAbsent(tunnel.device(), tunnel);
    if (present != null && !present.equals(tunnel)) {
      problems.error(
          "node "
              + node
              + ": session "
              + session
              + " needs tunnel "
              + tunnel.device()
              + " ("
              + describe(tunnel)
              + ") but it is already planned as "
              + describe(present)
              + "; the kernel allows one "
              + tunnel.type()
              + " device per id: give the sensors different vni/key values");
    }
  }

  private static String describe(TunnelDevice t) {
    String id = t.vni() != null ? "vni " + t.vni() : "key " + t.key();
    return t.type()
        + " "
        + t.role().json()
        + " "
        + id
        + (t.remote() == null ? "" : " to " + t.remote());
  }

  /** This node's plan: the previous one when the content is unchanged (see {@link Generations}). */
  NodeMirrorPlan build(Map<String, NodeMirrorPlan> previous) {
    // Sorted here in the plan's own order with plain comparators: comparing with the previous
    // plan needs the same order, and the plan's generic comparator chain then only confirms it.
    mirrors.sort(MIRROR_ORDER);
    List<TunnelDevice> tunnelList = new ArrayList<>(tunnels.values());
    tunnelList.sort(Comparator.comparing(TunnelDevice::device));
    deliveries.sort(DELIVERY_ORDER);
    return Generations.assign(node, mirrors, tunnelList, deliveries, previous);
  }

  /** The same order as {@code Delivery.ORDER}: from, interface, session. */
  private static final Comparator<Delivery> DELIVERY_ORDER =
      Comparator.comparing(Delivery::from)
          .thenComparing(Delivery::device)
          .thenComparing(Delivery::session);

  /** The same order as {@code MirrorEntry.ORDER}: device, session, direction. */
  private static final Comparator<MirrorEntry> MIRROR_ORDER =
      (a, b) -> {
        int c = a.device().value().compareTo(b.device().value());
        if (c != 0) {
          return c;
        }
        c = a.session().compareTo(b.session());
        return c != 0 ? c : a.direction().compareTo(b.direction());
      };
}
