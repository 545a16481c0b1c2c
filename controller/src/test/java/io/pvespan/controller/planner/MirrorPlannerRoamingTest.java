package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.Vni;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.SpecSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Roaming guests and sensors (live migration, offline or unknown node): standby entries on every
 * node they may resume on, so that no node mirrors nothing until the next poll. Lab: pve1 holds
 * 101, 102 and sensor 200 (ids-1); pve2 holds 103 (lxc) and the stopped 104; pve3 the sensor 201.
 */
class MirrorPlannerRoamingTest {
  static final InterfaceName SENSOR = InterfaceName.of("tap200i1");
  static final String PVE1 = "198.18.0.1";
  static final String PVE2 = "198.18.0.2";
  static final String PVE3 = "198.18.0.3";

  static SpecSet web() {
    return labSpecs(session("web", sources().vmids(101, 103).build(), "ids-1"));
  }

  static Inventory migrating(Inventory inventory, int vmid) {
    return replace(inventory, vmid, g -> withLock(g, "migrate"));
  }

  static InterfaceName vxlan(long id) {
    return InterfaceName.of(String.format("pspv%06x", id));
  }

  static TunnelTarget sendTarget(long id, String remote) {
    return new TunnelTarget(Encapsulation.VXLAN, vxlan(id), remote, Vni.of((int) id), null);
  }

  static TunnelDevice tunnel(long id, TunnelRole role, String local, String remote) {
    return new TunnelDevice(
        vxlan(id), Encapsulation.VXLAN, role, local, remote, Vni.of((int) id), null, 4789, 1450);
  }

  /** The id of {@code session}'s tunnels into its sensor VM on {@code node}. */
  static long id(SpecSet specs, Inventory inventory, String session, String node) {
    return SpecFacts.of(specs, inventory.nodes().stream().map(n -> n.name()).toList())
        .tunnelIds()
        .get(session)
        .get(node);
  }

  static MirrorEntry entry(PlanResult result, String node, String device) {
    return nodePlan(result, node).mirrors().stream()
        .filter(e -> e.device().value().equals(device))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mirror of " + device + " on " + node));
  }

  @Test
  void guestMigratingAwayFromTheSensorNodeWaitsOnEveryOtherNodeWithATunnelToTheSensor() {
    Inventory inventory = migrating(lab(), 101);
    PlanResult result = plan(web(), inventory);
    long id = id(web(), inventory, "web", "pve1");

    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings()).contains("guest 101 is migrating: standby mirrors on pve2, pve3");
    // Where it runs: as today, local into the sensor.
    assertThat(entry(result, "pve1", "tap101i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target, MirrorEntry::standbyTargets)
        .containsExactly(EntryState.ACTIVE, new LocalTarget(SENSOR), List.of());
    // Elsewhere: waiting, through the session's own tunnel to the sensor's node.
    for (String[] node : new String[][] {{"pve2", PVE2}, {"pve3", PVE3}}) {
      assertThat(entry(result, node[0], "tap101i0"))
          .extracting(MirrorEntry::state, MirrorEntry::target)
          .containsExactly(EntryState.WAITING, sendTarget(id, PVE1));
      assertThat(nodePlan(result, node[0]).tunnels())
          .containsExactly(tunnel(id, TunnelRole.SEND, node[1], PVE1));
    }
    assertThat(nodePlan(result, "pve1").tunnels())
        .containsExactly(tunnel(id, TunnelRole.RECEIVE, PVE1, null));
    assertThat(nodePlan(result, "pve1").deliveries())
        .containsExactly(new Delivery("web", vxlan(id), SENSOR, EntryState.ACTIVE));
  }

  @Test
  void guestMigratingTowardsTheSensorNodeWaitsThereOnALocalMirror() {
    Inventory inventory = migrating(lab(), 103);
    PlanResult result = plan(web(), inventory);
    long id = id(web(), inventory, "web", "pve1");

    assertThat(result.errors()).isEmpty();
    assertThat(entry(result, "pve2", "veth103i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target)
        .containsExactly(EntryState.ACTIVE, sendTarget(id, PVE1));
    assertThat(entry(result, "pve1", "veth103i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target)
        .containsExactly(EntryState.WAITING, new LocalTarget(SENSOR));
    assertThat(entry(result, "pve3", "veth103i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target)
        .containsExactly(EntryState.WAITING, sendTarget(id, PVE1));
    // MTU and duplicate warnings are about where guests run, not where they may resume.
    assertThat(result.warnings())
        .containsExactlyInAnyOrder(
            "guest 103 is migrating: standby mirrors on pve1, pve3",
            "session web, node pve2: veth103i0 MTU 1500 + vxlan 50 B = 1550 > underlay MTU 1500:"
                + " mirrored frames over 1450 B are fragmented or dropped; raise the underlay MTU"
                + " of pve2 to at least 1550 or lower the guest NIC MTU to 1450");
  }

  @Test
  void guestOnAnOfflineNodeKeepsItsEntriesThereAndWaitsOnEveryOnlineNode() {
    Inventory inventory = offline(lab(), "pve2");
    PlanResult result = plan(web(), inventory);
    long id = id(web(), inventory, "web", "pve1");

    assertThat(result.errors()).isEmpty();
    assertThat(mirrorDevices(result))
        .containsExactly("pve1:tap101i0", "pve1:veth103i0", "pve2:veth103i0", "pve3:veth103i0");
    assertThat(entry(result, "pve2", "veth103i0").state()).isEqualTo(EntryState.ACTIVE);
    assertThat(entry(result, "pve1", "veth103i0").target()).isEqualTo(new LocalTarget(SENSOR));
    assertThat(entry(result, "pve3", "veth103i0").target()).isEqualTo(sendTarget(id, PVE1));
    assertThat(result.warnings())
        .contains(
            "guest 103 is on offline node pve2: standby mirrors on pve1, pve3",
            "session web: guest 103 is on offline node pve2; mirrors are planned and apply when"
                + " the node is back");
  }

  @Test
  void sensorMigratingWhileThreeSourcesOnThreeNodesSendGetsCopiesOnEveryNodeItMayResumeOn() {
    Inventory inventory =
        migrating(with(lab(), guest(106, GuestType.QEMU, "pve3", "running", "net0")), 200);
    SpecSet specs = labSpecs(session("web", sources().vmids(101, 103, 106).build(), "ids-1"));
    PlanResult result = plan(specs, inventory);
    long id = id(specs, inventory, "web", "pve1");
    long to2 = id(specs, inventory, "web", "pve2");
    long to3 = id(specs, inventory, "web", "pve3");

    assertThat(result.errors()).isEmpty();
    assertThat(Set.of(id, to2, to3)).hasSize(3);
    assertThat(result.warnings())
        .contains(
            "sensor ids-1: guest 200 is migrating: copies also go to its device on pve2, pve3"
                + " (standby)");
    // pve1 (where the sensor is): local as today, plus a tunnel to each standby node.
    assertThat(entry(result, "pve1", "tap101i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target, MirrorEntry::standbyTargets)
        .containsExactly(
            EntryState.ACTIVE,
            new LocalTarget(SENSOR),
            List.of(sendTarget(to2, PVE2), sendTarget(to3, PVE3)));
    assertThat(nodePlan(result, "pve1").tunnels())
        .containsExactlyInAnyOrder(
            tunnel(id, TunnelRole.RECEIVE, PVE1, null),
            tunnel(to2, TunnelRole.SEND, PVE1, PVE2),
            tunnel(to3, TunnelRole.SEND, PVE1, PVE3));
    assertThat(nodePlan(result, "pve1").deliveries())
        .containsExactly(new Delivery("web", vxlan(id), SENSOR, EntryState.ACTIVE));
    // pve2: to the sensor as today, into its device should it resume here, and on to pve3.
    assertThat(entry(result, "pve2", "veth103i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target, MirrorEntry::standbyTargets)
        .containsExactly(
            EntryState.ACTIVE,
            sendTarget(id, PVE1),
            List.of(new LocalTarget(SENSOR), sendTarget(to3, PVE3)));
    assertThat(nodePlan(result, "pve2").tunnels())
        .containsExactlyInAnyOrder(
            tunnel(id, TunnelRole.SEND, PVE2, PVE1),
            tunnel(to2, TunnelRole.RECEIVE, PVE2, null),
            tunnel(to3, TunnelRole.SEND, PVE2, PVE3));
    assertThat(nodePlan(result, "pve2").deliveries())
        .containsExactly(new Delivery("web", vxlan(to2), SENSOR, EntryState.WAITING));
    // pve3 likewise.
    assertThat(entry(result, "pve3", "tap106i0"))
        .extracting(MirrorEntry::state, MirrorEntry::target, MirrorEntry::standbyTargets)
        .containsExactly(
            EntryState.ACTIVE,
            sendTarget(id, PVE1),
            List.of(sendTarget(to2, PVE2), new LocalTarget(SENSOR)));
    assertThat(nodePlan(result, "pve3").tunnels())
        .containsExactlyInAnyOrder(
            tunnel(id, TunnelRole.SEND, PVE3, PVE1),
            tunnel(to2, TunnelRole.SEND, PVE3, PVE2),
            tunnel(to3, TunnelRole.RECEIVE, PVE3, null));
    assertThat(nodePlan(result, "pve3").deliveries())
        .containsExactly(new Delivery("web", vxlan(to3), SENSOR, EntryState.WAITING));
    result.plans().forEach(MirrorPlannerRoamingTest::everyTunnelTargetIsASendTunnelOfThePlan);
  }

  @Test
  void sensorOnAnOfflineNodeIsFedOnEveryOnlineNode() {
    Inventory inventory = offline(lab(), "pve1");
    SpecSet specs = web();
    PlanResult result = plan(specs, inventory);

    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings())
        .contains(
            "sensor ids-1: guest 200 is on offline node pve1: copies also go to its device on"
                + " pve2, pve3 (standby)",
            "guest 101 is on offline node pve1: standby mirrors on pve2, pve3")
        .noneMatch(w -> w.contains("copies to it are lost"));
    long to3 = id(specs, inventory, "web", "pve3");
    assertThat(entry(result, "pve2", "veth103i0").standbyTargets())
        .containsExactly(new LocalTarget(SENSOR), sendTarget(to3, PVE3));
    assertThat(nodePlan(result, "pve3").deliveries())
        .containsExactly(new Delivery("web", vxlan(to3), SENSOR, EntryState.WAITING));
    result.plans().forEach(MirrorPlannerRoamingTest::everyTunnelTargetIsASendTunnelOfThePlan);
  }

  @Test
  void guestMigratingToARemoteCollectorSendsFromEveryNodeWithTheCollectorsVni() {
    Inventory inventory = migrating(lab(), 101);
    PlanResult result =
        plan(labSpecs(session("soc", sources().vmids(101).build(), "collector")), inventory);

    assertThat(result.errors()).isEmpty();
    TunnelTarget toCollector = sendTarget(4242, "198.51.100.7");
    assertThat(mirrorDevices(result))
        .containsExactly("pve1:tap101i0", "pve2:tap101i0", "pve3:tap101i0");
    for (String node : List.of("pve1", "pve2", "pve3")) {
      assertThat(entry(result, node, "tap101i0"))
          .extracting(MirrorEntry::target, MirrorEntry::standbyTargets)
          .containsExactly(toCollector, List.of());
      assertThat(nodePlan(result, node).tunnels())
          .singleElement()
          .extracting(TunnelDevice::role, TunnelDevice::remote)
          .containsExactly(TunnelRole.SEND, "198.51.100.7");
      assertThat(nodePlan(result, node).deliveries()).isEmpty();
    }
    assertThat(entry(result, "pve2", "tap101i0").state()).isEqualTo(EntryState.WAITING);
  }

  @Test
  void pausedSessionPlansNothingForRoamingGuestsOrSensors() {
    Inventory inventory = migrating(migrating(lab(), 101), 200);
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "web",
                    sources().vmids(101, 103).build(),
                    "ids-1",
                    Direction.BOTH,
                    Encapsulation.AUTO,
                    true)),
            inventory);

    assertThat(mirrorDevices(result)).isEmpty();
    assertThat(result.plans()).allSatisfy(p -> assertThat(p.tunnels()).isEmpty());
    assertThat(result.warnings()).isEmpty();
  }

  @ParameterizedTest(name = "lock {0} on guest {1}")
  @CsvSource({
    "backup, 101", // another lock: not roaming
    "migrate, 102", // an unselected guest migrates
    "suspended, 200",
  })
  void withNothingRoamingThePlanIsExactlyTodays(String lock, int vmid) {
    PlanResult before = plan(web(), lab());
    PlanResult after = plan(web(), replace(lab(), vmid, g -> withLock(g, lock)));

    assertThat(after).isEqualTo(before);
    assertThat(before.plans())
        .allSatisfy(p -> assertThat(p.mirrors()).allMatch(e -> e.standbyTargets().isEmpty()));
  }

  @Test
  void sourceMigrationsNeverRenumberASessionsTunnel() {
    SpecSet specs =
        labSpecs(
            session("web", sources().vmids(101, 103).build(), "ids-1"),
            session("db", sources().vmids(104).build(), "ids-2"));
    long web = id(specs, lab(), "web", "pve1");
    long db = id(specs, lab(), "db", "pve3");
    Set<InterfaceName> before = tunnelNames(plan(specs, lab()));
    Set<InterfaceName> during = tunnelNames(plan(specs, migrating(migrating(lab(), 103), 200)));
    Set<InterfaceName> after =
        tunnelNames(plan(specs, replace(lab(), 103, g -> movedTo(g, "pve1"))));

    assertThat(before).contains(vxlan(web), vxlan(db));
    assertThat(during).containsAll(before);
    assertThat(after).contains(vxlan(db));
    // The ids depend on the specs and the node names only, never on where guests are.
    assertThat(id(specs, migrating(lab(), 103), "web", "pve1")).isEqualTo(web);
  }

  @Test
  void rateLimitedFollowsProxmoxsRateOnTheNicWhereverTheEntryIs() {
    Inventory inventory =
        migrating(
            replace(
                lab(),
                101,
                g ->
                    new io.pvespan.inventory.Guest(
                        g.vmid(),
                        g.type(),
                        g.node(),
                        g.status(),
                        g.name(),
                        g.tags(),
                        g.pool(),
                        g.template(),
                        g.lock(),
                        List.of(
                            new GuestNic(
                                NicId.parse("net0"), "vmbr0", null, false, 12.5, null, null),
                            new GuestNic(
                                NicId.parse("net1"), "vmbr0", null, false, 0.0, null, null),
                            new GuestNic(
                                NicId.parse("net2"), "vmbr0", null, false, null, null, null)))),
            101);
    PlanResult result = plan(web(), inventory);

    for (String node : List.of("pve1", "pve2", "pve3")) {
      assertThat(entry(result, node, "tap101i0").rateLimited()).isTrue();
      // rate=0 is Proxmox's "no limit": it adds no qdiscs.
      assertThat(entry(result, node, "tap101i1").rateLimited()).isFalse();
      assertThat(entry(result, node, "tap101i2").rateLimited()).isFalse();
    }
  }

  private static Set<InterfaceName> tunnelNames(PlanResult result) {
    Set<InterfaceName> names = new HashSet<>();
    result.plans().forEach(p -> p.tunnels().forEach(t -> names.add(t.device())));
    return names;
  }

  /** What the agent's plan validator asks of every target, standby ones too. */
  static void everyTunnelTargetIsASendTunnelOfThePlan(NodeMirrorPlan plan) {
    for (MirrorEntry e : plan.mirrors()) {
      List<MirrorTarget> targets = new java.util.ArrayList<>(e.standbyTargets());
      targets.add(e.target());
      for (MirrorTarget t : targets) {
        if (t instanceof TunnelTarget tt) {
          assertThat(plan.tunnels())
              .as(plan.node() + " " + e.device() + " -> " + tt.device())
              .anySatisfy(
                  d -> {
                    assertThat(d.device()).isEqualTo(tt.device());
                    assertThat(d.role()).isEqualTo(TunnelRole.SEND);
                    assertThat(d.remote()).isEqualTo(tt.remote());
                  });
        }
      }
    }
    for (Delivery d : plan.deliveries()) {
      assertThat(plan.tunnels())
          .anySatisfy(
              t -> {
                assertThat(t.device()).isEqualTo(d.from());
                assertThat(t.role()).isEqualTo(TunnelRole.RECEIVE);
              });
    }
  }
}
