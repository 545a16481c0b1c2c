package io.pvespan.controller.config;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import java.util.Map;

/**
 * What the config says about nodes that the Proxmox API does not: the underlay address tunnels use
 * ({@code nodes.addresses}, replacing {@code /cluster/status} {@code ip}) and the underlay MTU
 * ({@code nodes.mtu} for every node, {@code nodes.mtus} per node; {@code /cluster/status} has no
 * MTU, so without them the planner assumes 1500 when it checks encapsulation overhead).
 */
public record NodeOverrides(Map<String, String> addresses, Integer mtu, Map<String, Integer> mtus) {
  public static final NodeOverrides NONE = new NodeOverrides(Map.of(), null, Map.of());

  public NodeOverrides {
    addresses = Map.copyOf(addresses == null ? Map.of() : addresses);
    mtus = Map.copyOf(mtus == null ? Map.of() : mtus);
  }

  /** The inventory with these overrides applied to its nodes. */
  public Inventory apply(Inventory inventory) {
    if (addresses.isEmpty() && mtu == null && mtus.isEmpty()) {
      return inventory;
    }
    return new Inventory(inventory.nodes().stream().map(this::apply).toList(), inventory.guests());
  }

  private InventoryNode apply(InventoryNode n) {
    Integer nodeMtu = mtus.getOrDefault(n.name(), mtu);
    return new InventoryNode(
        n.name(),
        addresses.getOrDefault(n.name(), n.address()),
        n.online(),
        nodeMtu == null ? n.mtu() : nodeMtu);
  }
}
