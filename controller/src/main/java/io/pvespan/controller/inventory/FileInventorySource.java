package io.pvespan.controller.inventory;

import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.Migration;
import io.pvespan.controller.pve.PveException;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.model.VmId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as an inventory file ({@code pve.inventoryFile}), re-read on every poll: for offline
 * use and for the lab, where the file is rewritten to simulate changes. Migrations are derived by
 * comparing each guest's node (and {@code lock: migrate}) with the previous poll.
 */
public final class FileInventorySource implements InventorySource {
  private final Path file;
  private Map<VmId, String> lastNodes = Map.of();

  public FileInventorySource(Path file) {
    this.file = file;
  }

  @Override
  public synchronized InventorySnapshot poll() throws PveException {
    Inventory inventory;
    try {
      inventory = InventoryJson.read(file);
    } catch (InventoryJson.InvalidInventoryException e) {
      throw new PveException(e.getMessage());
    }
    List<Migration> migrations = new ArrayList<>();
    Map<VmId, String> nodes = new HashMap<>();
    for (Guest g : inventory.guests()) {
      nodes.put(g.vmid(), g.node());
      String before = lastNodes.get(g.vmid());
      if ("migrate".equals(g.lock())) {
        migrations.add(new Migration(g.vmid(), before == null ? g.node() : before, null));
      } else if (before != null && !before.equals(g.node())) {
        migrations.add(new Migration(g.vmid(), before, g.node()));
      }
    }
    lastNodes = nodes;
    return new InventorySnapshot(inventory, migrations, 1);
  }
}
