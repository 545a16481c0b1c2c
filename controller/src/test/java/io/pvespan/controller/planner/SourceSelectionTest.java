package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.PlanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which NICs a selector picks, on the lab plus a wide qemu guest 300 (net0, net15, net31, on pve2,
 * firewall on net15) and a running lxc 301 with two NICs on pve3. Each row: the selector and every
 * {@code node:device} it must mirror (to ids-2, whose own NIC net1 of 201 is never a source).
 */
class SourceSelectionTest {
  static Inventory inventory() {
    Inventory lab = lab();
    List<Guest> guests = new ArrayList<>(lab.guests());
    Guest wide = guest(300, GuestType.QEMU, "pve2", "running", "net0", "net31");
    List<GuestNic> nics = new ArrayList<>(wide.nics());
    nics.add(new GuestNic(NicId.parse("net15"), "vmbr15", null, true, 10.0, 9000, 15));
    guests.add(
        new Guest(
            VmId.of(300),
            GuestType.QEMU,
            "pve2",
            "running",
            "wide",
            List.of("Wide", "DMZ"),
            "big",
            false,
            null,
            nics));
    guests.add(withTags(guest(301, GuestType.LXC, "pve3", "running", "net0", "net1"), "ct"));
    return new Inventory(lab.nodes(), guests);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "tags any case, no template 105",
            sources().tags("DmZ"),
            "pve1:tap101i0",
            "pve1:tap102i0",
            "pve2:tap300i0",
            "pve2:tap300i15",
            "pve2:tap300i31",
            "pve2:veth103i0"),
        row(
            "two tags are any-of",
            sources().tags("db", "ct"),
            "pve2:tap104i0",
            "pve2:tap104i1",
            "pve3:veth301i0",
            "pve3:veth301i1"),
        row("pool", sources().pools("web"), "pve1:tap101i0"),
        row("pool names are exact", sources().pools("WEB")),
        row(
            "tags AND node",
            sources().tags("dmz").nodes("pve2"),
            "pve2:tap300i0",
            "pve2:tap300i15",
            "pve2:tap300i31",
            "pve2:veth103i0"),
        row(
            "types lxc",
            sources().types(GuestType.LXC),
            "pve2:veth103i0",
            "pve3:veth301i0",
            "pve3:veth301i1"),
        row("vmids, firewall=1 is still the tap", sources().vmids(102), "pve1:tap102i0"),
        row("vmid of a template selects nothing", sources().vmids(105)),
        row("unknown vmid selects nothing", sources().vmids(999)),
        row(
            "nics narrows; net31 exists",
            sources().vmids(300, 104).nics("net31", "net1"),
            "pve2:tap104i1",
            "pve2:tap300i31"),
        row("a listed NIC the guest lacks is skipped", sources().vmids(101).nics("net5")),
        row(
            "sensor NIC of another session's sensor is never a source",
            sources().vmids(200),
            "pve1:tap200i0"),
        row(
            "exclude vmids",
            sources().tags("dmz").exclude(sources().vmids(102, 300)),
            "pve1:tap101i0",
            "pve2:veth103i0"),
        row(
            "exclude tags any case",
            sources().tags("dmz").exclude(sources().tags("WIDE")),
            "pve1:tap101i0",
            "pve1:tap102i0",
            "pve2:veth103i0"),
        row(
            "exclude nics only",
            sources().vmids(104, 300).exclude(sources().nics("net0")),
            "pve2:tap104i1",
            "pve2:tap300i15",
            "pve2:tap300i31"),
        row(
            "exclude nics of matching guests",
            sources().vmids(104, 300).exclude(sources().vmids(300).nics("net0")),
            "pve2:tap104i0",
            "pve2:tap104i1",
            "pve2:tap300i15",
            "pve2:tap300i31"),
        row(
            "empty exclude removes nothing",
            sources().vmids(101).exclude(sources()),
            "pve1:tap101i0"),
        row("empty list selects nothing", sources().tags()),
        row(
            "node, the sensor on it excluded",
            sources().nodes("pve3").exclude(sources().vmids(201)),
            "pve3:veth301i0",
            "pve3:veth301i1"));
  }

  static Arguments row(String name, Selector selector, String... expected) {
    return Arguments.of(name, selector, List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void selects(String name, Selector selector, List<String> expected) {
    PlanResult result = plan(labSpecs(session("s", selector.build(), "ids-2")), inventory());

    assertThat(result.errors()).isEmpty();
    assertThat(mirrorDevices(result)).containsExactlyElementsOf(expected);
  }
}
