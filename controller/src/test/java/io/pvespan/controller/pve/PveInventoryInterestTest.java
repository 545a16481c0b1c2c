package io.pvespan.controller.pve;

import static io.pvespan.controller.pve.PveInventoryPolitenessTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.planner.GuestInterest;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.model.Direction;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The real source against the stand-in cluster: guest configs are read only for the guests the
 * specs need, and a guest that becomes needed (by a spec change or by a change in the cluster) has
 * its config read on the next poll. Guests 100 (tag web), 101 (tag db), 102 and the sensor VM 103.
 */
class PveInventoryInterestTest {
  static Inventory cluster() {
    return new Inventory(
        List.of(new InventoryNode("pve1", "198.18.0.1", true, 1500)),
        List.of(guest(100, "web"), guest(101, "db"), guest(102), guest(103)));
  }

  static Guest guest(int vmid, String... tags) {
    return new Guest(
        VmId.of(vmid),
        GuestType.QEMU,
        "pve1",
        "running",
        null,
        List.of(tags),
        null,
        false,
        null,
        List.of(new GuestNic(new NicId(0), "vmbr0", null, false, null, null, null)));
  }

  static SpecSet specs(String... tags) {
    Sensor ids = Sensor.of("ids", new SensorSpec(new SensorVm(VmId.of(103), new NicId(0)), null));
    MirrorSession s =
        MirrorSession.of(
            "s",
            new MirrorSessionSpec(
                new SourceSelector(null, List.of(tags), null, null, null, null, null),
                Direction.BOTH,
                "ids",
                null,
                null,
                null));
    return new SpecSet(List.of(ids), List.of(s));
  }

  /** Config requests per vmid so far. */
  static Map<Integer, Long> configReads(ProxmoxStandIn standIn) {
    Map<Integer, Long> out = new TreeMap<>();
    standIn
        .requestCounts()
        .forEach(
            (path, n) -> {
              if (path.startsWith("/nodes/pve1/qemu/") && path.endsWith("/config")) {
                out.put(Integer.parseInt(path.split("/")[4]), n);
              }
            });
    return out;
  }

  static List<Integer> withNics(InventorySnapshot snapshot) {
    return snapshot.inventory().guests().stream()
        .filter(g -> !g.nics().isEmpty())
        .map(g -> g.vmid().value())
        .toList();
  }

  @Test
  void onlyConfigsOfInterestAreReadAndNewlyInterestingGuestsOnTheNextPoll() throws Exception {
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(cluster(), PveInventoryPolitenessTest.STANDIN_TOKEN).start();
        PveInventorySource source =
            PveInventorySource.open(PveConnection.of(standIn.url().toString(), TOKEN, null))) {
      InventorySource port = source; // the controller's way in
      port.interest(GuestInterest.of(specs("web")));

      InventorySnapshot first = source.poll();
      assertThat(first.requests()).isEqualTo(4); // resources, status, configs of 100 and 103
      assertThat(configReads(standIn)).isEqualTo(Map.of(100, 1L, 103, 1L));
      assertThat(first.inventory().guests()).hasSize(4);
      assertThat(withNics(first)).containsExactly(100, 103);

      // the spec now also selects tag db: 101's config is read on the next poll, once
      port.interest(GuestInterest.of(specs("web", "db")));
      InventorySnapshot second = source.poll();
      assertThat(second.requests()).isEqualTo(2);
      assertThat(configReads(standIn)).isEqualTo(Map.of(100, 1L, 101, 1L, 103, 1L));
      assertThat(withNics(second)).containsExactly(100, 101, 103);
      assertThat(second.inventory().guests().get(1).nics())
          .isEqualTo(cluster().guests().get(1).nics());

      // 102 gets tag web in the cluster: nothing else about it changed, yet its config is read
      standIn.setTags(VmId.of(102), List.of("web"));
      InventorySnapshot third = source.poll();
      assertThat(third.requests()).isEqualTo(2);
      assertThat(withNics(third)).containsExactly(100, 101, 102, 103);

      assertThat(source.poll().requests()).isEqualTo(1); // steady state again
      assertThat(configReads(standIn)).isEqualTo(Map.of(100, 1L, 101, 1L, 102, 1L, 103, 1L));
    }
  }
}
