package io.pvespan.lab;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Small edits of an {@link Inventory}, the way the stand-in applies them (pure). */
final class InventoryEdits {
  private InventoryEdits() {}

  /** {@code inventory} with guest {@code vmid} replaced by {@code change} of it. */
  static Inventory guest(Inventory inventory, int vmid, UnaryOperator<Guest> change) {
    return new Inventory(
        inventory.nodes(),
        inventory.guests().stream()
            .map(g -> g.vmid().value() == vmid ? change.apply(g) : g)
            .toList());
  }

  static Guest with(Guest g, String node, String status, String lock, List<GuestNic> nics) {
    return new Guest(
        g.vmid(), g.type(), node, status, g.name(), g.tags(), g.pool(), g.template(), lock, nics);
  }

  /** {@code g} with {@code nic} added, or replacing the NIC with the same id. */
  static Guest withNic(Guest g, GuestNic nic) {
    List<GuestNic> nics =
        new ArrayList<>(g.nics().stream().filter(n -> !n.id().equals(nic.id())).toList());
    nics.add(nic);
    return with(g, g.node(), g.status(), g.lock(), nics);
  }

  static Inventory nodeOnline(Inventory inventory, String node, boolean online) {
    return new Inventory(
        inventory.nodes().stream()
            .map(
                n ->
                    n.name().equals(node)
                        ? new InventoryNode(n.name(), n.address(), online, n.mtu())
                        : n)
            .toList(),
        inventory.guests());
  }
}
