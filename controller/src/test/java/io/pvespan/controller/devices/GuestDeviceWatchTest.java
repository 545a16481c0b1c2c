package io.pvespan.controller.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.status.GuestDevice;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which device sightings ask for what; no I/O. */
class GuestDeviceWatchTest {
  static final Predicate<Guest> SELECTED = g -> g.vmid().value() < 200;

  static Guest guest(int vmid, GuestType type, String node, String status, int nics) {
    List<GuestNic> list =
        java.util.stream.IntStream.range(0, nics)
            .mapToObj(i -> new GuestNic(new NicId(i), "vmbr0", null, false, null, null, null))
            .toList();
    return new Guest(new VmId(vmid), type, node, status, null, null, null, false, null, list);
  }

  static final Inventory INVENTORY =
      new Inventory(
          List.of(),
          List.of(
              guest(101, GuestType.QEMU, "pve1", "running", 1),
              guest(102, GuestType.QEMU, "pve2", "running", 1),
              guest(103, GuestType.LXC, "pve1", "stopped", 1),
              guest(201, GuestType.QEMU, "pve1", "running", 1)));

  static List<DeviceAction> see(GuestDeviceWatch w, String node, Object... nameIfindex) {
    List<GuestDevice> devices = new java.util.ArrayList<>();
    for (int i = 0; i < nameIfindex.length; i += 2) {
      devices.add(
          new GuestDevice(InterfaceName.of((String) nameIfindex[i]), (int) nameIfindex[i + 1]));
    }
    return w.observe(node, devices, INVENTORY, SELECTED);
  }

  static String kind(List<DeviceAction> actions) {
    if (actions.isEmpty()) {
      return "none";
    }
    assertThat(actions).hasSize(1);
    return actions.get(0) instanceof DeviceAction.ReadConfig r ? "read " + r.vmid() : "poll";
  }

  @ParameterizedTest(name = "{0} on pve1 -> {1}")
  @CsvSource({
    "tap101i0, none", // as the inventory says
    "tap101i1, read 101", // a NIC the inventory lacks
    "tap102i0, poll", // the inventory has 102 on pve2
    "veth103i0, poll", // the inventory has 103 stopped
    "tap103i0, poll", // 103 is a container, not a VM
    "tap555i0, poll", // unknown guest
    "tap201i0, none", // no spec selects 201
    "tap201i3, none",
    "vmbr0, none",
    "fwpr101p0, none",
  })
  void aFirstSighting(String device, String expected) {
    assertThat(kind(see(new GuestDeviceWatch(), "pve1", device, 7))).isEqualTo(expected);
  }

  @Test
  void aSightingAsksOnceAndARePlugAsksAgain() {
    GuestDeviceWatch w = new GuestDeviceWatch();
    assertThat(kind(see(w, "pve1", "tap101i0", 7, "tap101i1", 8))).isEqualTo("read 101");
    assertThat(kind(see(w, "pve1", "tap101i0", 7, "tap101i1", 8))).isEqualTo("none");
    assertThat(kind(see(w, "pve1", "tap101i0", 9, "tap101i1", 8))).isEqualTo("read 101");
    assertThat(kind(see(w, "pve1"))).isEqualTo("none");
    assertThat(kind(see(w, "pve1", "tap101i0", 12))).isEqualTo("read 101");
    // nodes are remembered apart: the same name on pve2 is a first sighting there
    assertThat(kind(see(w, "pve2", "tap101i0", 9))).isEqualTo("poll");
  }

  @Test
  void aDeviceOfAGuestThatLeftTheNodeIsForgottenWhenItIsGone() {
    GuestDeviceWatch w = new GuestDeviceWatch();
    see(w, "pve2", "tap101i0", 5); // a migration target, before the flip
    assertThat(kind(see(w, "pve2"))).isEqualTo("none");
    // back with the same ifindex: not remembered (101 is not on pve2), so asked for again
    assertThat(kind(see(w, "pve2", "tap101i0", 5))).isEqualTo("poll");
  }
}
