package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.model.Bandwidth;
import io.pvespan.model.Direction;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.DriftItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The copy conditioner in the pure planner: what it creates, shares, fails and removes. */
class ConvergePlannerConditionerTest {
  private final ConvergePlanner planner = new ConvergePlanner(KernelFeatures.full());

  static MirrorEntry cond(int vmid, Conditioner c) {
    return mirror("s1", vmid, Direction.BOTH, local("tap900i0")).conditioned(c);
  }

  private static List<String> rendered(ConvergeStep s) {
    return s.actions().stream()
        .flatMap(a -> a.commands().stream())
        .map(
            c ->
                c.batchLine().replaceAll("cookie \\w+", "cookie C").replaceAll("obj \\S+", "obj O"))
        .toList();
  }

  /** Applies steps until one has nothing to do (a pair is built, then taken into use). */
  private void settle(NodeMirrorPlan p, ModelKernel k) {
    for (int round = 0; round < 4; round++) {
      ConvergeStep s = planner.plan(p, k.node());
      if (s.actions().isEmpty()) {
        return;
      }
      k.apply(s.actions());
    }
    throw new AssertionError("no fixpoint after 4 rounds");
  }

  @Test
  void oneSessionOnOneNodeSharesOnePairAndTheTapsMirrorIntoIt() {
    Conditioner c = new Conditioner(128, Bandwidth.parse("10Mbit"), null);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap102i0").tap("tap900i0");
    NodeMirrorPlan p = plan(1, List.of(cond(101, c), cond(102, c)));
    ConvergeStep s = planner.plan(p, k.node());
    ConditionerPair pair = ConditionerPair.of("s1", c, local("tap900i0"), List.of());
    String in = pair.in().value();
    String out = pair.out().value();
    assertThat(rendered(s))
        .containsOnlyOnce(
            "link add dev " + in + " mtu 65535 type veth peer name " + out + " mtu 65535")
        .containsOnlyOnce(
            "qdisc replace dev "
                + out
                + " root handle 7371: tbf rate 10000000bit burst 65536 latency 50ms")
        .containsOnlyOnce(
            "filter add dev "
                + out
                + " ingress prio 7 protocol all bpf obj O sec snaplen classid 0:80 action mirred"
                + " egress redirect dev "
                + out
                + " cookie C")
        .containsOnlyOnce(
            "filter add dev "
                + in
                + " ingress prio 7 protocol all matchall action mirred egress redirect dev tap900i0"
                + " cookie C");
    // Nothing copies into the pair before it is seen complete: a copy no filter of the pair took
    // would go up the host's own stack.
    assertThat(rendered(s)).noneMatch(l -> l.contains("tap101i0") || l.contains("tap102i0"));
    assertThat(s.entries()).allSatisfy(e -> assertThat(e.state()).isEqualTo("pending"));
    k.apply(s.actions());
    s = planner.plan(p, k.node());
    assertThat(rendered(s))
        .contains(
            "filter add dev tap101i0 ingress prio 7 protocol all matchall action mirred egress"
                + " mirror dev "
                + in
                + " continue cookie C",
            "filter add dev tap102i0 parent 7370: prio 7 protocol all matchall action mirred egress"
                + " mirror dev "
                + in
                + " continue cookie C");
    assertThat(rendered(s)).noneMatch(l -> l.contains("dev tap101i0") && l.contains("tap900i0"));
    k.apply(s.actions());
    ConvergeStep again = planner.plan(p, k.node());
    assertThat(again.actions()).isEmpty();
    assertThat(again.drift()).isEmpty();
    assertThat(again.entries())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.state()).isEqualTo("active"));
    assertThat(again.copyDrops())
        .singleElement()
        .satisfies(d -> assertThat(d.session()).isEqualTo("s1"));
  }

  /**
   * The copy guard's factor is part of the desired state: the taps' filters into a guarded pair
   * clone 1/G, a change of G (or an agent restarted at G=1) replaces them at their priority without
   * drift, and a pair's own filters are never guarded.
   */
  @Test
  void theCopyGuardsFactorIsDesiredStateAndItsChangeIsNoDrift() {
    Conditioner c = new Conditioner(null, Bandwidth.parse("10Mbit"), null);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    NodeMirrorPlan p = plan(1, List.of(cond(101, c)));
    settle(p, k);
    ConditionerPair pair = ConditionerPair.of("s1", c, local("tap900i0"), List.of());
    java.util.Map<io.pvespan.model.InterfaceName, Integer> g = new java.util.HashMap<>();
    ConvergePlanner guarded =
        new ConvergePlanner(KernelFeatures.full(), in -> g.getOrDefault(in, 1));
    assertThat(guarded.plan(p, k.node()).actions()).as("G=1: today's filters").isEmpty();

    g.put(pair.in(), 8);
    ConvergeStep s = guarded.plan(p, k.node());
    assertThat(s.drift()).isEmpty();
    assertThat(rendered(s))
        .containsExactlyInAnyOrder(
            "filter del dev tap101i0 ingress prio 7",
            "filter del dev tap101i0 parent 7370: prio 7",
            "filter add dev tap101i0 ingress prio 7 protocol all bpf bytecode"
                + " \"4,32 0 0 4294963256,53 0 1 536870912,6 0 0 0,6 0 0 4294967295\" action"
                + " mirred egress mirror dev "
                + pair.in()
                + " continue cookie C",
            "filter add dev tap101i0 parent 7370: prio 7 protocol all bpf bytecode"
                + " \"4,32 0 0 4294963256,53 0 1 536870912,6 0 0 0,6 0 0 4294967295\" action"
                + " mirred egress mirror dev "
                + pair.in()
                + " continue cookie C");
    k.apply(s.actions());
    ConvergeStep again = guarded.plan(p, k.node());
    assertThat(again.actions()).isEmpty();
    assertThat(again.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("active"));

    // A restarted agent starts at G=1: the guarded filters are replaced, not reported as drift.
    ConvergeStep restarted = planner.plan(p, k.node());
    assertThat(restarted.drift()).isEmpty();
    assertThat(rendered(restarted)).hasSize(4).allMatch(l -> l.contains("tap101i0"));
    // A filter changed by someone else is still drift.
    assertThat(
            planner
                .plan(
                    plan(
                        2,
                        List.of(cond(101, new Conditioner(null, Bandwidth.parse("20Mbit"), null)))),
                    k.node())
                .drift())
        .isNotEmpty();
  }

  @Test
  void aProgramAtTheKernelsLimitIsNotGuarded() {
    List<io.pvespan.agent.kernel.BpfProgram.Insn> insns = new java.util.ArrayList<>();
    for (int i = 0; i < 4094; i++) {
      insns.add(new io.pvespan.agent.kernel.BpfProgram.Insn(0x00, 0, 0, 0)); // ld #0
    }
    insns.add(new io.pvespan.agent.kernel.BpfProgram.Insn(0x06, 0, 0, 0xFFFF_FFFFL));
    var big =
        new io.pvespan.agent.kernel.FilterMatch.Rules(
            new io.pvespan.agent.kernel.BpfProgram(insns));
    assertThat(ConvergePlanner.guardedOrNot(big, 8)).isSameAs(big);
    var small = new io.pvespan.agent.kernel.FilterMatch.U32All();
    assertThat(ConvergePlanner.guardedOrNot(small, 8))
        .isInstanceOf(io.pvespan.agent.kernel.FilterMatch.Rules.class);
  }

  @Test
  void aBudgetWithoutSnaplenShapesTheInEndAndNoProgramRuns() {
    Conditioner c = new Conditioner(null, Bandwidth.parse("10Mbit"), null);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    ConvergeStep s = planner.plan(plan(1, List.of(cond(101, c))), k.node());
    String in = ConditionerPair.of("s1", c, local("tap900i0"), List.of()).in().value();
    assertThat(rendered(s))
        .contains(
            "qdisc replace dev "
                + in
                + " root handle 7371: tbf rate 10000000bit burst 65536 latency 50ms")
        .noneMatch(l -> l.contains(" bpf "));
  }

  @Test
  void aPairNoEntryUsesGoesAndItsFiltersGoWithItUntouched() {
    Conditioner c = new Conditioner(128, null, null);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    NodeMirrorPlan p = plan(1, List.of(cond(101, c)));
    settle(p, k);
    String in = ConditionerPair.of("s1", c, local("tap900i0"), List.of()).in().value();

    ConvergeStep without =
        planner.plan(
            plan(2, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0")))), k.node());
    assertThat(rendered(without)).contains("link del dev " + in);
    // Nothing else names the pair: deleting it takes its qdiscs and filters along.
    assertThat(rendered(without))
        .filteredOn(l -> l.contains(in) || l.contains("pspr"))
        .containsExactly("link del dev " + in);
    // The tap's filters into the pair make way for the direct ones.
    assertThat(rendered(without)).contains("filter del dev tap101i0 ingress prio 7");
    assertThat(without.drift())
        .extracting(f -> f.kind() + " " + f.object())
        .contains(DriftItem.Kind.UNEXPECTED + " device " + in);
    k.apply(without.actions());
    assertThat(k.links.keySet()).noneMatch(ConditionerPair::ours);
  }

  @Test
  void aNewSettingIsANewPairAndTheOldOneGoes() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    settle(plan(1, List.of(cond(101, new Conditioner(128, null, null)))), k);
    ConvergeStep s =
        planner.plan(plan(2, List.of(cond(101, new Conditioner(256, null, null)))), k.node());
    String old =
        ConditionerPair.of("s1", new Conditioner(128, null, null), local("tap900i0"), List.of())
            .in()
            .value();
    String now =
        ConditionerPair.of("s1", new Conditioner(256, null, null), local("tap900i0"), List.of())
            .in()
            .value();
    assertThat(old).isNotEqualTo(now);
    assertThat(rendered(s))
        .contains("link del dev " + old)
        .anyMatch(l -> l.startsWith("link add dev " + now));
    // The tap stops copying into the old pair at once, and copies into the new one once it is
    // complete (the next round).
    assertThat(rendered(s)).contains("filter del dev tap101i0 ingress prio 7");
    assertThat(rendered(s)).noneMatch(l -> l.startsWith("filter add dev tap101i0"));
    k.apply(s.actions());
    ConvergeStep next =
        planner.plan(plan(3, List.of(cond(101, new Conditioner(256, null, null)))), k.node());
    assertThat(rendered(next)).anyMatch(l -> l.contains("dev tap101i0") && l.contains(now));
    k.apply(next.actions());
    assertThat(
            planner
                .plan(plan(3, List.of(cond(101, new Conditioner(256, null, null)))), k.node())
                .actions())
        .isEmpty();
  }

  @Test
  void withoutTheBpfClassifierSnaplenFailsTheEntryWithTheReasonAndCopiesNothing() {
    KernelFeatures noBpf =
        new KernelFeatures(true, false, true, false, true, true, true, false, false, false, false);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    ConvergeStep s =
        new ConvergePlanner(noBpf)
            .plan(plan(1, List.of(cond(101, new Conditioner(128, null, null)))), k.node());
    assertThat(s.actions()).isEmpty();
    assertThat(s.entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.state()).isEqualTo("failed");
              assertThat(e.message())
                  .isEqualTo("snaplen needs the bpf classifier (eBPF), which this kernel lacks");
            });
  }

  @Test
  void aVlanTagsOnTheInEndEveryStandbyTargetGetsACopyAndTheTargetTheFrame() {
    Conditioner c = new Conditioner(null, null, 100);
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0").tap("tap901i0");
    MirrorEntry m = Plans.with(cond(101, c), List.of(local("tap901i0")), List.of()).conditioned(c);
    ConvergeStep s = planner.plan(plan(1, List.of(m)), k.node());
    String in =
        ConditionerPair.of("s1", c, local("tap900i0"), List.of(local("tap901i0"))).in().value();
    assertThat(rendered(s))
        .contains(
            "filter add dev "
                + in
                + " ingress prio 7 protocol all bpf obj O sec vlan classid 0:1064 action mirred egress mirror dev tap901i0 continue cookie C",
            "filter add dev "
                + in
                + " ingress prio 8 protocol all bpf obj O sec vlan classid 0:1064 action mirred egress redirect dev tap900i0 cookie C");
    // The frame itself goes to the target (redirect): nothing is left for the host's stack.
  }
}
