package io.pvespan.controller.pve;

import io.pvespan.inventory.Inventory;
import java.util.List;

/**
 * One poll's result: the inventory, the migrations seen since the previous poll (node changed or
 * {@code lock: migrate}), and how many API requests the poll made.
 */
public record InventorySnapshot(Inventory inventory, List<Migration> migrations, int requests) {
  public InventorySnapshot {
    migrations = migrations == null ? List.of() : List.copyOf(migrations);
  }
}
