package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects one node's mirrors, tunnels and deliveries. A tunnel device is shared by every session
 * that needs the same one; two different tunnels under one name are an error (the kernel allows one
 * VXLAN device per VNI, and a name is one device).
 */
final class NodePlanBuilder {
  private final String node;

  /** Mirrors by source guest (the index's instances), in the order the guests first came. */
  private final Map<Guest, List<MirrorEntry>> mirrorsByGuest = new IdentityHashMap<>();

  private final Map<InterfaceName, TunnelDevice> tunnels = new HashMap<>();
  private final List<Delivery> deliveries = new ArrayList<>();

  NodePlanBuilder(String node) {
    this.node = node;
  }

  /** Adds a mirror of one of {@code guest}'s NICs. */
  void mirror(Guest guest, MirrorEntry entry) {
    mirrorsByGuest.computeIfAbsent(guest, g -> new ArrayList<>(4)).add(entry);
  }

  void delivery(Delivery delivery) {
    deliveries.add(delivery);
  }

  /** Adds {@code tunnel} unless the same device is already there; a clash is recorded. */
  void tunnel(TunnelDevice tunnel, String session, PlanProblems problems) {
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
    List<MirrorEntry> mirrors = sortedMirrors();
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

  /**
   * All mirrors in the plan's order (device name, session, direction) without sorting them all: a
   * guest's devices share the stem {@code tap{vmid}i} / {@code veth{vmid}i}, no stem is a prefix of
   * another (the letters hold no {@code i}), so device order is stem order, then order within a
   * guest. Sorting the guests by stem and each guest's few entries is much cheaper than sorting
   * every entry.
   */
  private List<MirrorEntry> sortedMirrors() {
    Guest[] guests = mirrorsByGuest.keySet().toArray(new Guest[0]);
    String[] stems = new String[guests.length];
    Integer[] order = new Integer[guests.length];
    for (int i = 0; i < guests.length; i++) {
      stems[i] = guests[i].type().devicePrefix() + guests[i].vmid().value() + "i";
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> stems[a].compareTo(stems[b]));
    List<MirrorEntry> out = new ArrayList<>();
    for (Integer i : order) {
      List<MirrorEntry> entries = mirrorsByGuest.get(guests[i]);
      if (entries.size() > 1) {
        entries.sort(MIRROR_ORDER);
      }
      out.addAll(entries);
    }
    return out;
  }

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
