package io.pvespan.lab;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.inventory.InventoryNode;
import java.nio.file.Path;

/**
 * The cluster the stand-in serves for the lab: the sample inventory {@code
 * test-fixtures/inventories/lab-3-nodes.json} (the one {@code ./pvespan plan} shows), whose running
 * guests are the VMs of {@link LabTopology#threeNodes} ({@code LabInventoryTest} keeps the two in
 * step). Only the nodes' MTU is changed, to the lab underlay's 9000: the planner then has no VXLAN
 * overhead to warn about, as on a real underlay with jumbo frames.
 */
public final class LabInventory {
  /** Where the sample lives under the repository root ({@code pvespan.home}). */
  public static final String SAMPLE = "test-fixtures/inventories/lab-3-nodes.json";

  private LabInventory() {}

  /**
   * Reads the sample under {@code home}.
   *
   * @throws LabException when it is missing or invalid (one line)
   */
  public static Inventory sample(Path home) {
    Inventory file;
    try {
      file = InventoryJson.read(home.resolve(SAMPLE));
    } catch (InventoryJson.InvalidInventoryException e) {
      throw new LabException(e.getMessage(), e);
    }
    return new Inventory(
        file.nodes().stream()
            .map(n -> new InventoryNode(n.name(), n.address(), n.online(), LabBuilder.UNDERLAY_MTU))
            .toList(),
        file.guests());
  }
}
