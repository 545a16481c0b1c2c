package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.plan.Exclusion;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each packet once per sensor: which capture point keeps a packet two could copy, as exclusions on
 * the others (the lab: 101, 102 on pve1, 103 on pve2, sensor ids-1 = vm 200 on pve1).
 */
class OncePerSensorTest {
  private static final String MAC_101 = "bc:24:11:00:01:01";
  private static final String MAC_102 = "bc:24:11:00:01:02";
  private static final String MAC_103 = "bc:24:11:00:01:03";
  private static final FilterRule HTTPS =
      new FilterRule(FilterRule.Action.ACCEPT, FilterRule.Protocol.TCP, null, List.of(443));

  private static MirrorEntry entry(PlanResult r, String session, String device) {
    return r.plans().stream()
        .flatMap(p -> p.mirrors().stream())
        .filter(m -> m.session().equals(session) && m.device().value().equals(device))
        .findFirst()
        .orElse(null);
  }

  private static MirrorSession with(
      MirrorSession s, List<FilterRule> filter, Integer priority, Direction direction) {
    MirrorSessionSpec p = s.spec();
    return MirrorSession.of(
        s.name(),
        new MirrorSessionSpec(
            p.sources(),
            direction,
            p.sensorRef(),
            Encapsulation.AUTO,
            filter,
            null,
            false,
            null,
            priority));
  }

  @Test
  void bothEndsOnOneNodeEachReceivedSideLeavesOutWhatTheOtherSends() {
    PlanResult r =
        plan(labSpecs(session("web", sources().vmids(101, 102).build(), "ids-1")), lab());
    assertThat(entry(r, "web", "tap101i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_102), List.of()));
    assertThat(entry(r, "web", "tap102i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_101), List.of()));
    assertThat(r.warnings()).isEmpty();
    assertThat(r.notes())
        .contains(
            "session web: vm 101 net0 (tap101i0), what it receives: frames from the other guests"
                + " whose sent traffic reaches ids-1 are copied at their sender, not again here",
            "sensor ids-1: what vm 101 net0, vm 102 net0 send is copied at the sender; where the"
                + " receiving guest is watched too, it is not copied again there");
  }

  @Test
  void bothEndsOnDifferentNodesToo() {
    PlanResult r =
        plan(labSpecs(session("web", sources().vmids(101, 103).build(), "ids-1")), lab());
    assertThat(entry(r, "web", "tap101i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_103), List.of()));
    assertThat(entry(r, "web", "veth103i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_101), List.of()));
  }

  @Test
  void aSenderIsLeftOutOnlyForWhatItsSessionsFilterTakes() {
    PlanResult r =
        plan(
            labSpecs(
                with(
                    session("https-out", sources().vmids(101).build(), "ids-1"),
                    List.of(HTTPS),
                    null,
                    Direction.EGRESS),
                session("into-103", sources().vmids(103).build(), "ids-1")),
            lab());
    assertThat(entry(r, "into-103", "veth103i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_101), List.of(HTTPS)));
    assertThat(entry(r, "https-out", "tap101i0").exclusions()).isEmpty();
  }

  @Test
  void onOneDeviceTheLowerPriorityTakesItAndAWholeSideIsDropped() {
    // "b-all" has priority 1 and copies everything of 101: "a-https" (first by name) keeps nothing.
    PlanResult r =
        plan(
            labSpecs(
                with(session("b-all", sources().vmids(101).build(), "ids-1"), null, 1, null),
                with(
                    session("a-https", sources().vmids(101).build(), "ids-1"),
                    List.of(HTTPS),
                    null,
                    Direction.BOTH)),
            lab());
    assertThat(entry(r, "a-https", "tap101i0")).isNull();
    assertThat(entry(r, "b-all", "tap101i0").exclusions()).isEmpty();
    assertThat(r.notes())
        .contains(
            "session a-https: vm 101 net0 (tap101i0), what it sends: not copied; session b-all"
                + " copies all of it to ids-1",
            "session a-https: vm 101 net0 (tap101i0): not planned, every copy it would make comes"
                + " from elsewhere");

    // The other way round, the filtered one first: the other leaves out what it takes.
    PlanResult swapped =
        plan(
            labSpecs(
                with(session("b-all", sources().vmids(101).build(), "ids-1"), null, 2, null),
                with(
                    session("a-https", sources().vmids(101).build(), "ids-1"),
                    List.of(HTTPS),
                    1,
                    Direction.EGRESS)),
            lab());
    assertThat(entry(swapped, "b-all", "tap101i0").exclusions())
        .containsExactly(new Exclusion(Direction.EGRESS, List.of(), List.of(HTTPS)));
    assertThat(entry(swapped, "b-all", "tap101i0").direction()).isEqualTo(Direction.BOTH);
  }

  @Test
  void duplicatesAllowKeepsASessionAsItWasAndOtherSensorsAreApart() {
    PlanResult allowed =
        plan(labSpecs(allowing(session("web", sources().vmids(101, 102).build(), "ids-1"))), lab());
    assertThat(entry(allowed, "web", "tap101i0").exclusions()).isEmpty();
    assertThat(allowed.notes()).isEmpty();

    PlanResult apart =
        plan(
            labSpecs(
                session("to-1", sources().vmids(101).build(), "ids-1"),
                session("to-2", sources().vmids(102).build(), "ids-2")),
            lab());
    assertThat(entry(apart, "to-1", "tap101i0").exclusions()).isEmpty();
    assertThat(entry(apart, "to-2", "tap102i0").exclusions()).isEmpty();
  }

  @Test
  void aMigrationChangesNoExclusionAndTheReplanEqualsTheFullPlan() {
    var specs = labSpecs(session("web", sources().vmids(101, 103).build(), "ids-1"));
    PlanContext before = MirrorPlanner.planContext(specs, lab(), java.util.Map.of());
    var moved = replace(lab(), 103, g -> movedTo(g, "pve3"));
    PlanContext after = MirrorPlanner.replan(before, specs, moved);
    assertThat(after.result())
        .isEqualTo(MirrorPlanner.planContext(specs, moved, before.plans()).result());
    assertThat(entry(after.result(), "web", "veth103i0").exclusions())
        .containsExactly(new Exclusion(Direction.INGRESS, List.of(MAC_101), List.of()));
  }

  @Test
  void allowingDuplicatesLaterChangesThePlan() {
    var suppress = labSpecs(session("web", sources().vmids(101, 102).build(), "ids-1"));
    var allow = labSpecs(allowing(session("web", sources().vmids(101, 102).build(), "ids-1")));
    assertThat(suppress).isNotEqualTo(allow);
    PlanContext before = MirrorPlanner.planContext(suppress, lab(), java.util.Map.of());
    PlanContext after = MirrorPlanner.replan(before, allow, lab());
    assertThat(entry(after.result(), "web", "tap101i0").exclusions()).isEmpty();
    assertThat(nodePlan(after.result(), "pve1").generation()).isEqualTo(2);
  }

  @Test
  void aSamplingSessionNeverCountsAsTheCapturePointThatTakesAPacket() {
    // 101's sent side reaches ids-1 only 1 in 10: 103's received side must keep 101's frames.
    MirrorSession sampled = session("sampled", sources().vmids(101).build(), "ids-1");
    MirrorSessionSpec p = sampled.spec();
    sampled =
        MirrorSession.of(
            "sampled",
            new MirrorSessionSpec(
                p.sources(),
                Direction.EGRESS,
                p.sensorRef(),
                Encapsulation.AUTO,
                null,
                io.pvespan.model.Sample.parse("1/10"),
                false,
                null,
                null));
    PlanResult r =
        plan(labSpecs(sampled, session("into-103", sources().vmids(103).build(), "ids-1")), lab());
    assertThat(entry(r, "into-103", "veth103i0").exclusions()).isEmpty();
  }
}
