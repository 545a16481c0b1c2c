package io.pvespan.lab.standin;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** An immutable snapshot of the stand-in's cluster, with the big answer rendered once. */
final class StandInState {
  private final Inventory inventory;
  private final Map<Integer, Guest> byVmid = new HashMap<>();
  private volatile String resourcesVm;

  StandInState(Inventory inventory) {
    this.inventory = inventory.sorted();
    for (Guest g : this.inventory.guests()) {
      byVmid.put(g.vmid().value(), g);
    }
  }

  Inventory inventory() {
    return inventory;
  }

  Guest guest(int vmid) {
    return byVmid.get(vmid);
  }

  /** {@code /cluster/resources?type=vm}, rendered on first use. */
  String resourcesVm() {
    String r = resourcesVm;
    if (r == null) {
      r = ProxmoxStandIn.envelope(ProxmoxShapes.clusterResources(inventory, true));
      resourcesVm = r;
    }
    return r;
  }

  /**
   * @throws IllegalArgumentException when there is no such guest
   */
  StandInState update(VmId vmid, UnaryOperator<Guest> change) {
    Guest old = byVmid.get(vmid.value());
    if (old == null) {
      throw new IllegalArgumentException("no guest " + vmid + " in the stand-in");
    }
    Guest changed = change.apply(old);
    if (inventory.node(changed.node()) == null) {
      throw new IllegalArgumentException("no node '" + changed.node() + "' in the stand-in");
    }
    List<Guest> guests =
        inventory.guests().stream().map(g -> g.vmid().equals(vmid) ? changed : g).toList();
    return new StandInState(new Inventory(inventory.nodes(), guests));
  }

  /**
   * @throws IllegalArgumentException when there is no such node
   */
  StandInState withNodeOnline(String node, boolean online) {
    if (inventory.node(node) == null) {
      throw new IllegalArgumentException("no node '" + node + "' in the stand-in");
    }
    List<InventoryNode> nodes =
        inventory.nodes().stream()
            .map(
                n ->
                    n.name().equals(node)
                        ? new InventoryNode(n.name(), n.address(), online, n.mtu())
                        : n)
            .toList();
    return new StandInState(new Inventory(nodes, inventory.guests()));
  }

  /** {@code nics} without {@code id}, plus {@code nic} when not null. */
  static List<GuestNic> replaced(List<GuestNic> nics, NicId id, GuestNic nic) {
    List<GuestNic> out = new ArrayList<>(nics.stream().filter(n -> !n.id().equals(id)).toList());
    if (nic != null) {
      out.add(nic);
    }
    return out;
  }

  static Guest withNics(Guest g, List<GuestNic> nics) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        nics);
  }

  static Guest with(Guest g, String node, String status, List<String> tags, String lock) {
    return new Guest(
        g.vmid(), g.type(), node, status, g.name(), tags, g.pool(), g.template(), lock, g.nics());
  }
}
