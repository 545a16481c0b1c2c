package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Inventory;
import io.pvespan.model.Direction;
import io.pvespan.model.GuestType;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.Exclusion;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.Share;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sensor groups in the planner (the lab: 101, 102 on pve1, 103 on pve2; ids-1 = vm 200 on pve1,
 * ids-2 = vm 201 on pve3; group pool = [ids-1, ids-2]): one entry per live member with its share,
 * failover at the next plan, the group as one sensor for each packet once per sensor.
 */
class SensorGroupPlannerTest {
  private static final String MAC_101 = "bc:24:11:00:01:01";
  private static final String MAC_103 = "bc:24:11:00:01:03";

  static SpecSet groupSpecs(SensorGroup group, MirrorSession... sessions) {
    return new SpecSet(List.of(ids1(), ids2(), collector()), List.of(sessions), List.of(group));
  }

  static SpecSet web() {
    return groupSpecs(
        SensorGroup.of("pool", "ids-1", "ids-2"),
        session("web", sources().vmids(101, 103).build(), "pool"));
  }

  static List<MirrorEntry> entries(PlanResult r, String node, String device) {
    return nodePlan(r, node).mirrors().stream()
        .filter(m -> m.device().value().equals(device))
        .toList();
  }

  static String target(MirrorTarget t) {
    return t instanceof LocalTarget l ? "local " + l.device() : "to " + ((TunnelTarget) t).remote();
  }

  @Test
  void everySourceHasOneEntryPerLiveMemberWithItsShareAndTarget() {
    PlanResult r = plan(web(), lab());

    assertThat(r.errors()).isEmpty();
    List<MirrorEntry> at101 = entries(r, "pve1", "tap101i0");
    assertThat(at101)
        .extracting(MirrorEntry::share)
        .containsExactly(new Share(0, 2, "ids-1"), new Share(1, 2, "ids-2"));
    assertThat(at101)
        .extracting(e -> target(e.target()))
        .containsExactly("local tap200i1", "to 198.18.0.3");
    List<MirrorEntry> at103 = entries(r, "pve2", "veth103i0");
    assertThat(at103)
        .extracting(e -> target(e.target()))
        .containsExactly("to 198.18.0.1", "to 198.18.0.3");
    // Each member is fed through tunnels of its own: pve3 receives one, into ids-2's NIC.
    assertThat(nodePlan(r, "pve3").deliveries())
        .extracting(Delivery::device)
        .extracting(Object::toString)
        .containsExactly("tap201i1");
    assertThat(nodePlan(r, "pve1").deliveries())
        .extracting(d -> d.device().toString())
        .containsExactly("tap200i1");
    TunnelTarget toPve3From1 = (TunnelTarget) at101.get(1).target();
    TunnelTarget toPve1From2 = (TunnelTarget) at103.get(0).target();
    TunnelTarget toPve3From2 = (TunnelTarget) at103.get(1).target();
    assertThat(toPve3From2.device()).isEqualTo(toPve3From1.device());
    assertThat(toPve1From2.device()).isNotEqualTo(toPve3From1.device());
    assertThat(r.notes())
        .contains(
            "sensor group pool (sessions web): 2 of 2 members share the flows by symmetric hash:"
                + " ids-1 (share 1/2, VM 200 on pve1), ids-2 (share 2/2, VM 201 on pve3)");
  }

  @Test
  void theGroupIsOneSensorForEachPacketOncePerSensor() {
    PlanResult r = plan(web(), lab());
    // 101 and 103 talk: what each receives from the other is taken at the sender, by whichever
    // member the flow hash picks there (the same member the receiver's copy would have reached).
    for (MirrorEntry e : entries(r, "pve1", "tap101i0")) {
      assertThat(e.exclusions())
          .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_103), List.of()));
    }
    for (MirrorEntry e : entries(r, "pve2", "veth103i0")) {
      assertThat(e.exclusions())
          .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_101), List.of()));
    }
  }

  @Test
  void aStoppedMemberGetsNoShareAndTheOtherTakesEveryFlowAtTheNextPlan() {
    Inventory stopped = replace(lab(), 201, g -> withStatus(g, "stopped"));
    PlanResult r = plan(web(), stopped);

    assertThat(r.errors()).isEmpty();
    assertThat(entries(r, "pve1", "tap101i0"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.share()).isEqualTo(new Share(0, 1, "ids-1"));
              assertThat(target(e.target())).isEqualTo("local tap200i1");
            });
    assertThat(entries(r, "pve2", "veth103i0"))
        .singleElement()
        .satisfies(e -> assertThat(e.share().everything()).isTrue());
    assertThat(nodePlan(r, "pve3").mirrors()).isEmpty();
    assertThat(nodePlan(r, "pve3").tunnels()).isEmpty();
    assertThat(r.warnings())
        .contains(
            "sensor group pool: member ids-2 gets no share of session web (VM 201 is stopped);"
                + " its flows go to the live member");
    assertThat(r.notes())
        .contains(
            "sensor group pool (sessions web): 1 of 2 members share the flows by symmetric hash:"
                + " ids-1 (share 1/1, VM 200 on pve1); ids-2 gets none (VM 201 is stopped)");
    // And back: once it runs again, it has its share again.
    assertThat(entries(plan(web(), lab()), "pve1", "tap101i0")).hasSize(2);
  }

  @Test
  void aMemberOnAnOfflineNodeGetsNoShare() {
    PlanResult r = plan(web(), offline(lab(), "pve3"));
    assertThat(entries(r, "pve1", "tap101i0"))
        .extracting(MirrorEntry::share)
        .containsExactly(new Share(0, 1, "ids-1"));
    assertThat(r.warnings())
        .anyMatch(w -> w.contains("member ids-2 gets no share") && w.contains("offline node pve3"));
  }

  @Test
  void whenTheFirstMemberStopsTheSecondTakesIndexZero() {
    PlanResult r = plan(web(), replace(lab(), 200, g -> withStatus(g, "stopped")));
    assertThat(entries(r, "pve1", "tap101i0"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.share()).isEqualTo(new Share(0, 1, "ids-2"));
              assertThat(target(e.target())).isEqualTo("to 198.18.0.3");
            });
  }

  @Test
  void withNoLiveMemberEveryMemberKeepsItsShareWaiting() {
    Inventory none =
        replace(
            replace(lab(), 200, g -> withStatus(g, "stopped")), 201, g -> withStatus(g, "stopped"));
    PlanResult r = plan(web(), none);
    assertThat(entries(r, "pve1", "tap101i0")).hasSize(2);
    assertThat(r.warnings()).anyMatch(w -> w.startsWith("sensor group pool: no member is running"));
  }

  @Test
  void aMigratingMemberKeepsItsShareAndIsFedWhereItMayResume() {
    PlanResult r = plan(web(), replace(lab(), 201, g -> withLock(g, "migrate")));
    List<MirrorEntry> at101 = entries(r, "pve1", "tap101i0");
    assertThat(at101).hasSize(2);
    MirrorEntry toIds2 = at101.get(1);
    assertThat(toIds2.share().member()).isEqualTo("ids-2");
    assertThat(toIds2.standbyTargets()).isNotEmpty();
    assertThat(at101.get(0).standbyTargets()).isEmpty();
  }

  @Test
  void twoMembersOnOneNodeHaveTunnelsOfTheirOwn() {
    Inventory lab = with(lab(), guest(202, GuestType.QEMU, "pve3", "running", "net0", "net1"));
    SpecSet specs =
        new SpecSet(
            List.of(ids1(), ids2(), vmSensor("ids-3", 202, "net1")),
            List.of(session("web", sources().vmids(101).build(), "pool")),
            List.of(SensorGroup.of("pool", "ids-2", "ids-3")));
    PlanResult r = plan(specs, lab);

    assertThat(r.errors()).isEmpty();
    List<MirrorEntry> at101 = entries(r, "pve1", "tap101i0");
    assertThat(at101).hasSize(2);
    assertThat(((TunnelTarget) at101.get(0).target()).device())
        .isNotEqualTo(((TunnelTarget) at101.get(1).target()).device());
    assertThat(nodePlan(r, "pve3").deliveries())
        .extracting(d -> d.from() + " -> " + d.device())
        .hasSize(2)
        .allMatch(d -> d.endsWith("tap201i1") || d.endsWith("tap202i1"));
    assertThat(nodePlan(r, "pve3").tunnels()).hasSize(2);
  }

  @Test
  void plansAreDeterministicAndAReplanEqualsAFullPlan() {
    Map<String, NodeMirrorPlan> none = Map.of();
    PlanContext first = MirrorPlanner.planContext(web(), lab(), none);
    PlanResult again = MirrorPlanner.plan(web(), lab(), none);
    assertThat(again).isEqualTo(first.result());

    Inventory stopped = replace(lab(), 201, g -> withStatus(g, "stopped"));
    PlanContext replanned = MirrorPlanner.replan(first, web(), stopped);
    assertThat(replanned.result()).isEqualTo(MirrorPlanner.plan(web(), stopped, first.plans()));
    assertThat(entries(replanned.result(), "pve1", "tap101i0")).hasSize(1);
  }

  @Test
  void twoSessionsToOneGroupShareItAlike() {
    SpecSet specs =
        groupSpecs(
            SensorGroup.of("pool", "ids-1", "ids-2"),
            session("a", sources().vmids(101).build(), "pool"),
            session("b", sources().vmids(102).build(), "pool"));
    PlanResult r = plan(specs, lab());
    assertThat(entries(r, "pve1", "tap101i0"))
        .extracting(MirrorEntry::share)
        .isEqualTo(entries(r, "pve1", "tap102i0").stream().map(MirrorEntry::share).toList());
    assertThat(r.notes()).anyMatch(n -> n.startsWith("sensor group pool (sessions a, b): 2 of 2"));
  }
}
