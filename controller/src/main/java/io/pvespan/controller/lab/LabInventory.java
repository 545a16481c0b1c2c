package io.pvespan.controller.lab;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster the stand-in serves for the lab: the same guests as {@code
 * test-fixtures/inventories/lab-3-nodes.json} (101, 102 dmz on pve1; 103 lxc dmz on pve2; 104
 * stopped; 105 a template; sensors 200 ids-1 on pve1 and 201 ids-2 on pve3), with the node
 * addresses of {@link LabTopology#threeNodes} and the lab's underlay MTU (9000, so the planner has
 * no VXLAN overhead to warn about). {@code LabInventoryTest} keeps the guests equal.
 */
public final class LabInventory {
  private LabInventory() {}

  public static Inventory threeNodes() {
    List<InventoryNode> nodes =
        List.of(
            new InventoryNode("pve1", "198.18.0.1", true, LabBuilder.UNDERLAY_MTU),
            new InventoryNode("pve2", "198.18.0.2", true, LabBuilder.UNDERLAY_MTU),
            new InventoryNode("pve3", "198.18.0.3", true, LabBuilder.UNDERLAY_MTU));
    List<Guest> guests = new ArrayList<>();
    guests.add(qemu(101, "pve1", "running", "web-1", List.of("dmz"), false, nic(0, false)));
    guests.add(qemu(102, "pve1", "running", "web-2", List.of("dmz"), false, nic(0, true)));
    guests.add(
        new Guest(
            VmId.of(103),
            GuestType.LXC,
            "pve2",
            "running",
            "proxy-1",
            List.of("dmz"),
            null,
            false,
            null,
            List.of(nic(0, false))));
    guests.add(
        qemu(104, "pve2", "stopped", "db-1", List.of("db"), false, nic(0, false), nic(1, false)));
    guests.add(qemu(105, "pve3", "stopped", "tmpl-debian", List.of(), true, nic(0, false)));
    guests.add(
        qemu(200, "pve1", "running", "ids-1", List.of("ids-1"), false, nic(0, false), capture(1)));
    guests.add(qemu(201, "pve3", "running", "ids-2", List.of("ids-2"), false, capture(1)));
    return new Inventory(nodes, guests).sorted();
  }

  private static Guest qemu(
      int vmid,
      String node,
      String status,
      String name,
      List<String> tags,
      boolean template,
      GuestNic... nics) {
    return new Guest(
        VmId.of(vmid),
        GuestType.QEMU,
        node,
        status,
        name,
        tags,
        null,
        template,
        null,
        List.of(nics));
  }

  private static GuestNic nic(int index, boolean firewall) {
    return new GuestNic(new NicId(index), LabTopology.VM_BRIDGE, null, firewall, null, null, null);
  }

  /** A sensor's capture NIC: alone on the capture bridge. */
  private static GuestNic capture(int index) {
    return new GuestNic(
        new NicId(index), LabTopology.CAPTURE_BRIDGE, null, false, null, null, null);
  }
}
