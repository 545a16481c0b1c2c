package io.pvespan.lab.standin;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.List;

/** A small cluster with every field the inventory carries, for round trips. */
public final class StandInFixture {
  private StandInFixture() {}

  public static Inventory cluster() {
    return new Inventory(
        List.of(
            new InventoryNode("pve1", "198.18.0.1", true, 1500),
            new InventoryNode("pve2", "198.18.0.2", true, 1500),
            new InventoryNode("pve3", null, false, 1500)),
        List.of(
            new Guest(
                VmId.of(101),
                GuestType.QEMU,
                "pve1",
                "running",
                "web",
                List.of("span-dmz", "web"),
                "dmz",
                false,
                null,
                List.of(
                    new GuestNic(
                        NicId.parse("net0"), "vmbr0", "BC:24:11:AA:BB:01", true, 12.5, 9000, 10),
                    new GuestNic(
                        NicId.parse("net31"),
                        "vmbr1",
                        "BC:24:11:AA:BB:1F",
                        false,
                        null,
                        null,
                        null))),
            new Guest(
                VmId.of(102),
                GuestType.QEMU,
                "pve2",
                "running",
                "ids",
                List.of("sensor"),
                null,
                false,
                null,
                List.of(
                    new GuestNic(
                        NicId.parse("net0"),
                        "vmbr0",
                        "BC:24:11:AA:BB:02",
                        false,
                        null,
                        null,
                        null))),
            new Guest(
                VmId.of(200),
                GuestType.LXC,
                "pve2",
                "stopped",
                null,
                List.of(),
                "dmz",
                false,
                null,
                List.of(
                    new GuestNic(
                        NicId.parse("net1"),
                        "vmbr0",
                        "BC:24:11:AA:BB:03",
                        true,
                        100.0,
                        1400,
                        4094))),
            new Guest(
                VmId.of(9000),
                GuestType.QEMU,
                "pve1",
                "stopped",
                "tmpl",
                List.of(),
                null,
                true,
                null,
                List.of())));
  }
}
