package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.plan.PlanResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Warnings and errors: their exact text, one line each, with the numbers and the fix. */
class MirrorPlannerProblemsTest {
  @Test
  void mtuWarningGivesTheSumTheUnderlayAndTheFix() {
    PlanResult result =
        plan(labSpecs(session("dmz-web", sources().vmids(103).build(), "ids-1")), lab());

    assertThat(result.warnings())
        .containsExactly(
            "session dmz-web, node pve2: veth103i0 MTU 1500 + vxlan 50 B = 1550 > underlay MTU"
                + " 1500: mirrored frames over 1450 B are fragmented or dropped; raise the underlay"
                + " MTU of pve2 to at least 1550 or lower the guest NIC MTU to 1450");
  }

  @ParameterizedTest(name = "{0} on underlay {1}: warns={2}")
  @CsvSource({
    "vxlan, 1550, false",
    "vxlan, 1549, true",
    "gretap, 1538, false",
    "gretap, 1537, true",
    "gre, 1524, false",
    "gre, 1523, true",
  })
  void mtuWarningFollowsTheEncapsulationOverhead(
      String encapsulation, int underlay, boolean warns) {
    Inventory lab = lab();
    Inventory inventory =
        new Inventory(
            lab.nodes().stream()
                .map(n -> new InventoryNode(n.name(), n.address(), true, underlay))
                .toList(),
            lab.guests());
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "s",
                    sources().vmids(103).build(),
                    "ids-1",
                    Direction.BOTH,
                    Encapsulation.parse(encapsulation),
                    false)),
            inventory);

    assertThat(result.warnings().stream().anyMatch(w -> w.contains("underlay MTU")))
        .isEqualTo(warns);
  }

  @Test
  void mtuWarningGroupsTheNicsOfANode() {
    PlanResult result =
        plan(labSpecs(session("db", sources().tags("db", "dmz").build(), "ids-1")), lab());

    assertThat(result.warnings())
        .contains(
            "session db, node pve2: 3 NICs (veth103i0, tap104i0, tap104i1) MTU 1500 + vxlan 50 B"
                + " = 1550 > underlay MTU 1500: mirrored frames over 1450 B are fragmented or"
                + " dropped; raise the underlay MTU of pve2 to at least 1550 or lower the guest NIC"
                + " MTU to 1450");
  }

  @Test
  void twoSourcesOnOneNodeMirroredBothWaysWarnOnceWhenDuplicatesAreAllowed() {
    PlanResult result =
        plan(
            labSpecs(allowing(session("dmz-web", sources().vmids(101, 102).build(), "ids-1"))),
            lab());

    assertThat(result.warnings())
        .containsExactly(
            "session dmz-web, node pve1: guests 101, 102 are all selected with direction both;"
                + " traffic between them reaches the sensor twice (once from each end); select one"
                + " side, or use direction ingress or egress");
  }

  @ParameterizedTest
  @CsvSource({"ingress", "egress"})
  void oneDirectionSeesEachPacketOnceSoNoDuplicateWarning(String direction) {
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "s",
                    sources().vmids(101, 102).build(),
                    "ids-1",
                    Direction.parse(direction),
                    Encapsulation.AUTO,
                    false)),
            lab());

    assertThat(result.warnings()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "by vmid | vmids | 200",
        "by tag | tags | sensors",
        "by pool | pools | watch",
      })
  void sensorSelectedAsASourceOfItsOwnSessionIsALoop(String name, String field, String value) {
    Inventory inventory =
        replace(
            lab(),
            200,
            g ->
                new io.pvespan.inventory.Guest(
                    g.vmid(),
                    g.type(),
                    g.node(),
                    g.status(),
                    g.name(),
                    List.of("sensors"),
                    "watch",
                    false,
                    null,
                    g.nics()));
    Selector selector =
        switch (field) {
          case "vmids" -> sources().vmids(Integer.parseInt(value), 101);
          case "tags" -> sources().tags(value, "dmz");
          default -> sources().pools(value, "web");
        };
    PlanResult result = plan(labSpecs(session("dmz-web", selector.build(), "ids-1")), inventory);

    assertThat(result.errors())
        .containsExactly(
            "session dmz-web: guest 200 is selected as a source but is sensor ids-1, which this"
                + " session feeds (a mirror loop); exclude it with sources.exclude.vmids: [200]");
  }

  @Test
  void sensorGuestOrNicMissingAreErrors() {
    PlanResult result =
        plan(
            specs(
                List.of(vmSensor("gone", 999, "net0"), vmSensor("no-nic", 201, "net3")),
                session("a", sources().vmids(101).build(), "gone"),
                session("b", sources().vmids(101).build(), "no-nic"),
                session("c", sources().vmids(101).build(), "nobody")),
            lab());

    assertThat(result.errors())
        .containsExactly(
            "sensor gone: guest 999 is not in the inventory; fix spec.vm.vmid",
            "sensor no-nic: guest 201 has no net3 (it has: net1); fix spec.vm.nic",
            "session c: sensorRef 'nobody' names no Sensor; define it");
    assertThat(result.plans()).allSatisfy(p -> assertThat(p.mirrors()).isEmpty());
  }

  @Test
  void twoCollectorsOnOneVniFromOneNodeIsAnErrorTheKernelWouldGiveToo() {
    PlanResult result =
        plan(
            specs(
                List.of(
                    remoteSensor("soc-a", "198.51.100.7", Encapsulation.VXLAN, 4242, null),
                    remoteSensor("soc-b", "198.51.100.8", Encapsulation.VXLAN, 4242, null)),
                session("a", sources().vmids(101).build(), "soc-a"),
                session("b", sources().vmids(102).build(), "soc-b")),
            lab());

    assertThat(result.errors())
        .containsExactly(
            "node pve1: session b needs tunnel pspv001092 (vxlan send vni 4242 to 198.51.100.8)"
                + " but it is already planned as vxlan send vni 4242 to 198.51.100.7; the kernel"
                + " allows one vxlan device per id: give the sensors different vni/key values");
  }

  @Test
  void sharedCollectorSharesOneTunnelPerNode() {
    PlanResult result =
        plan(
            labSpecs(
                session("a", sources().vmids(101).build(), "collector"),
                session("b", sources().vmids(102).build(), "collector")),
            lab());

    assertThat(result.errors()).isEmpty();
    assertThat(nodePlan(result, "pve1").tunnels()).hasSize(1);
    assertThat(nodePlan(result, "pve1").mirrors()).hasSize(2);
  }

  @Test
  void guestsOnAnOfflineNodeAndAnOfflineSensorNodeWarn() {
    Inventory lab = lab();
    Inventory inventory =
        new Inventory(
            lab.nodes().stream()
                .map(
                    n ->
                        n.name().equals("pve1")
                            ? n
                            : new InventoryNode(n.name(), n.address(), false, 1500))
                .toList(),
            lab.guests());
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "db",
                    sources().tags("db").nics("net1").build(),
                    "ids-2",
                    Direction.EGRESS,
                    Encapsulation.GRE,
                    false)),
            inventory);

    assertThat(result.warnings())
        .containsExactly(
            // Both roam (see MirrorPlannerRoamingTest): pve1 is the one online node left.
            "guest 104 is on offline node pve2: standby mirrors on pve1",
            "sensor ids-2: guest 201 is on offline node pve3: copies also go to its device on pve1"
                + " (standby)",
            "session db, node pve2: tap104i1 MTU 1500 + gre 24 B = 1524 > underlay MTU 1500:"
                + " mirrored frames over 1476 B are fragmented or dropped; raise the underlay MTU of"
                + " pve2 to at least 1524 or lower the guest NIC MTU to 1476",
            "session db: guest 104 is on offline node pve2; mirrors are planned and apply"
                + " when the node is back");
    assertThat(mirrorDevices(result)).containsExactly("pve1:tap104i1", "pve2:tap104i1");
  }

  @Test
  void guestsOnANodeTheInventoryDoesNotKnowAreWarnedAboutAndPlannedOnStandbyElsewhere() {
    Inventory inventory = replace(lab(), 101, g -> movedTo(g, "pve9"));
    PlanResult result =
        plan(labSpecs(session("web", sources().pools("web").build(), "ids-1")), inventory);

    assertThat(result.warnings())
        .containsExactly(
            "guest 101 is on node pve9, which is not in the inventory: standby mirrors on pve1,"
                + " pve2, pve3",
            "session web: guest 101 is on node pve9, which is not in the inventory; nothing is"
                + " planned there until the inventory has that node");
    // It may resume on any known online node: waiting there (see MirrorPlannerRoamingTest).
    assertThat(mirrorDevices(result))
        .containsExactly("pve1:tap101i0", "pve2:tap101i0", "pve3:tap101i0");
    assertThat(result.plans()).extracting(p -> p.node()).containsExactly("pve1", "pve2", "pve3");
  }
}
