package io.pvespan.inventory;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The planner's view of the cluster at one moment: nodes (with the underlay address tunnels use)
 * and guests (where they run, their tags, pool and NICs). The inventory file format ({@code
 * --inventory FILE}) is this record as JSON; see {@link InventoryJson}.
 */
public record Inventory(List<InventoryNode> nodes, List<Guest> guests) {
  public Inventory {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    guests = guests == null ? List.of() : List.copyOf(guests);
  }

  /** The same inventory with nodes sorted by name and guests by vmid: a canonical form. */
  public Inventory sorted() {
    return new Inventory(
        nodes.stream().sorted(Comparator.comparing(InventoryNode::name)).toList(),
        guests.stream().sorted(Comparator.comparing(Guest::vmid)).toList());
  }

  public InventoryNode node(String name) {
    Objects.requireNonNull(name, "name");
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }
}
