package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.delivery;
import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.FilterRule;
import io.pvespan.status.DriftItem;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pure planner against an in-memory kernel: what it does, and that a second pass does nothing.
 */
class ConvergePlannerTest {
  private final ConvergePlanner planner = new ConvergePlanner(KernelFeatures.full());
  private final NodeMirrorPlan both =
      plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"))));

  private static List<String> rendered(ConvergeStep s) {
    return s.actions().stream()
        .flatMap(a -> a.commands().stream())
        .map(c -> c.batchLine().replaceAll("cookie \\w+", "cookie C"))
        .toList();
  }

  @Test
  void onAProxmoxRateLimitedTapItUsesProxmoxsQdiscsAndSitsBeforePrio50() {
    ModelKernel k = new ModelKernel().tap("tap101i0").proxmoxRate("tap101i0").tap("tap900i0");
    ConvergeStep s = planner.plan(both, k.node());
    assertThat(rendered(s))
        .containsExactly(
            "filter add dev tap101i0 ingress prio 7 protocol all matchall action mirred egress mirror dev tap900i0 continue cookie C",
            "filter add dev tap101i0 parent 1: prio 7 protocol all matchall action mirred egress mirror dev tap900i0 continue cookie C");
    assertThat(s.drift())
        .extracting(ConvergeStep.Finding::kind)
        .containsOnly(DriftItem.Kind.MISSING);
    k.apply(s.actions());
    ConvergeStep again = planner.plan(both, k.node());
    assertThat(again.actions()).isEmpty();
    assertThat(again.drift()).isEmpty();
    assertThat(again.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("active"));
  }

  @Test
  void onABareTapItAddsIngressAndAnHtbRootNeverClsact() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    List<String> r = rendered(planner.plan(both, k.node()));
    assertThat(r)
        .startsWith(
            "qdisc add dev tap101i0 handle ffff: ingress",
            "qdisc add dev tap101i0 root handle 7370: htb");
    assertThat(r).noneMatch(l -> l.contains("clsact"));
    assertThat(r)
        .contains(
            "filter add dev tap101i0 parent 7370: prio 7 protocol all matchall action mirred egress mirror dev tap900i0 continue cookie C");
  }

  @Test
  void aSettlingTapGetsNoQdiscOfOursAndItsEntryWaits() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    ConvergeStep s = planner.plan(both, k.node(), Set.of(InterfaceName.of("tap101i0")));
    assertThat(s.actions()).isEmpty();
    assertThat(s.entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.state()).isEqualTo("waiting");
              assertThat(e.message()).contains("tap101i0 is being plugged");
            });
    // Once quiet, the same kernel gets our qdiscs.
    assertThat(rendered(planner.plan(both, k.node(), Set.of())))
        .startsWith("qdisc add dev tap101i0 handle ffff: ingress");
  }

  @Test
  void aSettlingTapStillGetsFiltersOnProxmoxsQdiscsTheMomentTheyExist() {
    // Mid-plug on a rate-limited NIC: Proxmox has added its root htb 1: but not yet ingress.
    ModelKernel k = new ModelKernel().tap("tap101i0").proxmoxRate("tap101i0").tap("tap900i0");
    k.qdiscs.get(InterfaceName.of("tap101i0")).removeIf(q -> q.kind().equals("ingress"));
    ConvergeStep s = planner.plan(both, k.node(), Set.of(InterfaceName.of("tap101i0")));
    assertThat(rendered(s))
        .containsExactly(
            "filter add dev tap101i0 parent 1: prio 7 protocol all matchall action mirred egress mirror dev tap900i0 continue cookie C");
    assertThat(s.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("waiting"));
  }

  /** The sensor VM roams: copies go through the tunnel and, once it resumes here, to its tap. */
  private static NodeMirrorPlan roamingSensor() {
    var tunnel = Plans.vxlanSend("pspv1", "198.18.0.1", "198.18.0.2", 42);
    var m = mirror("s1", 101, Direction.EGRESS, Plans.vxlanTarget("pspv1", "198.18.0.2", 42));
    var withStandby = Plans.with(m, List.of(local("tap900i0")), List.of());
    return NodeMirrorPlan.of("node1", 1, List.of(withStandby), List.of(tunnel), List.of());
  }

  @Test
  void aStandbyTargetThatIsNotHereYetWaitsWithoutHoldingBackTheTunnel() {
    ModelKernel k = new ModelKernel().tap("tap101i0");
    ConvergeStep s = planner.plan(roamingSensor(), k.node());
    assertThat(rendered(s)).anyMatch(l -> l.contains("mirror dev pspv1 continue"));
    assertThat(rendered(s)).noneMatch(l -> l.contains("tap900i0"));
    k.apply(s.actions());
    assertThat(planner.plan(roamingSensor(), k.node()).entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("active"));
  }

  @Test
  void whenTheSensorResumesHereItsTapGetsItsOwnFilterAndCountsInTheSameEntry() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    ConvergeStep s = planner.plan(roamingSensor(), k.node());
    assertThat(rendered(s))
        .filteredOn(l -> l.startsWith("filter add dev tap101i0 ingress"))
        .hasSize(2)
        .anyMatch(l -> l.contains("mirror dev pspv1 continue"))
        .anyMatch(l -> l.contains("mirror dev tap900i0 continue"));
    k.apply(s.actions());
    ConvergeStep again = planner.plan(roamingSensor(), k.node());
    assertThat(again.actions()).isEmpty();
    assertThat(again.entries()).hasSize(1);
  }

  @Test
  void whenTheSensorSettlesHereItsStandbyFilterStaysAndOnlyTheOthersGo() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    k.apply(planner.plan(roamingSensor(), k.node()).actions());
    NodeMirrorPlan settled =
        plan(2, List.of(mirror("s1", 101, Direction.EGRESS, local("tap900i0"))));
    ConvergeStep s = planner.plan(settled, k.node());
    // The filter copying into the sensor's tap is the same filter, primary now: not rewritten,
    // so no copy is lost while the tunnel's filter goes.
    assertThat(rendered(s)).noneMatch(l -> l.startsWith("filter add"));
    assertThat(rendered(s)).anyMatch(l -> l.startsWith("filter del dev tap101i0 ingress"));
    k.apply(s.actions());
    assertThat(k.filters)
        .filteredOn(ObservedFilter::ours)
        .singleElement()
        .satisfies(f -> assertThat(f.toDev()).isEqualTo("tap900i0"));
    assertThat(planner.plan(settled, k.node()).actions()).isEmpty();
  }

  @Test
  void aFilterReplacedByOneToAnotherTargetGoesOnlyAfterTheNewOneIsIn() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0").tap("tap901i0");
    k.apply(planner.plan(both, k.node()).actions());
    NodeMirrorPlan moved = plan(2, List.of(mirror("s1", 101, Direction.BOTH, local("tap901i0"))));
    List<String> lines = rendered(planner.plan(moved, k.node()));
    int firstAdd = -1;
    int lastDel = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("filter add") && firstAdd < 0) {
        firstAdd = i;
      }
      if (lines.get(i).startsWith("filter del")) {
        lastDel = i;
      }
    }
    assertThat(firstAdd).as(String.join("\n", lines)).isNotNegative().isLessThan(lastDel);
    assertThat(lines).filteredOn(l -> l.startsWith("filter del")).hasSize(2);
  }

  @Test
  void exclusionsGoOnTheSideTheyNameOnly() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    var m = mirror("s1", 101, Direction.BOTH, local("tap900i0"));
    var once =
        Plans.with(
            m,
            List.of(),
            List.of(
                new io.pvespan.plan.Exclusion(
                    Direction.INGRESS, List.of("bc:24:11:00:00:0a"), List.of())));
    List<String> lines = rendered(planner.plan(plan(1, List.of(once)), k.node()));
    // What the VM receives leaves the tap: tc egress (under our root) carries the exclusion.
    assertThat(lines)
        .anyMatch(l -> l.startsWith("filter add dev tap101i0 parent 7370: ") && l.contains(" bpf "))
        .anyMatch(l -> l.startsWith("filter add dev tap101i0 ingress") && l.contains("matchall"));
  }

  @Test
  void foreignPrioritiesAreSkippedAndNeverTouched() {
    ModelKernel k =
        new ModelKernel()
            .tap("tap101i0")
            .proxmoxRate("tap101i0")
            .tap("tap900i0")
            .foreignFilter("tap101i0", TcSide.INGRESS, 7);
    ConvergeStep s = planner.plan(both, k.node());
    assertThat(rendered(s))
        .contains(
            "filter add dev tap101i0 ingress prio 8 protocol all matchall action mirred egress mirror dev tap900i0 continue cookie C");
    k.apply(s.actions());
    ConvergeStep empty = planner.plan(plan(2, List.of()), k.node());
    assertThat(rendered(empty))
        .containsExactlyInAnyOrder(
            "filter del dev tap101i0 ingress prio 8", "filter del dev tap101i0 parent 1: prio 7");
    k.apply(empty.actions());
    assertThat(k.filters).extracting(ObservedFilter::prio).containsExactlyInAnyOrder(7, 50);
  }

  @Test
  void aFilterOfOursPointingElsewhereIsModifiedAndReplacedAtItsPriority() {
    ModelKernel k = new ModelKernel().tap("tap101i0").proxmoxRate("tap101i0").tap("tap900i0");
    k.apply(planner.plan(both, k.node()).actions());
    ObservedFilter f =
        k.filters.stream()
            .filter(o -> o.ours() && o.side() == TcSide.INGRESS)
            .findFirst()
            .orElseThrow();
    k.filters.remove(f);
    k.filters.add(
        new ObservedFilter(
            f.dev(), f.side(), f.prio(), f.kind(), f.cookie(), "tap666i0", "mirror", "pipe", 0, 0));
    ConvergeStep s = planner.plan(both, k.node());
    assertThat(s.drift())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo(DriftItem.Kind.MODIFIED);
              assertThat(d.object()).isEqualTo("filter tap101i0 ingress prio 7");
            });
    assertThat(rendered(s)).first().isEqualTo("filter del dev tap101i0 ingress prio 7");
  }

  @Test
  void aRuleChangeIsModifiedNotMissingPlusUnexpected() {
    ModelKernel k = new ModelKernel().tap("tap101i0").tap("tap900i0");
    k.apply(planner.plan(both, k.node()).actions());
    var udp = new FilterRule(FilterRule.Action.ACCEPT, FilterRule.Protocol.UDP, null, null);
    ConvergeStep s =
        planner.plan(
            plan(2, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"), udp))), k.node());
    assertThat(s.drift())
        .extracting(ConvergeStep.Finding::kind)
        .containsOnly(DriftItem.Kind.MODIFIED);
    assertThat(rendered(s)).anyMatch(l -> l.contains(" bpf bytecode \""));
  }

  @Test
  void absentDevicesWaitAndWithoutMatchallU32IsUsed() {
    ConvergePlanner u32only =
        new ConvergePlanner(
            new KernelFeatures(
                false, false, true, true, true, true, true, false, false, false, false));
    ModelKernel k = new ModelKernel().tap("tap900i0").tap("tap102i0");
    NodeMirrorPlan p =
        plan(
            1,
            List.of(
                mirror("s1", 101, Direction.INGRESS, local("tap900i0")),
                mirror("s1", 102, Direction.INGRESS, local("tap900i0"))));
    ConvergeStep s = u32only.plan(p, k.node());
    assertThat(s.entries())
        .extracting(ConvergeStep.EntryOutcome::state)
        .containsExactly("waiting", "pending");
    assertThat(rendered(s))
        .anyMatch(l -> l.contains("prio 7 protocol all u32 match u32 0 0 action"));
  }

  @Test
  void tunnelsAreCreatedDeliveredAndRemovedWhenUnplanned() {
    ModelKernel k = new ModelKernel().tap("tap900i0");
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            "n",
            1,
            List.of(),
            List.of(Plans.vxlanReceive("pspr10", "198.18.0.2", 10)),
            List.of(delivery("s1", "pspr10", "tap900i0")));
    ConvergeStep s = planner.plan(p, k.node());
    assertThat(rendered(s))
        .containsExactly(
            "link add pspr10 mtu 1450 type vxlan id 10 local 198.18.0.2 dstport 4789 nolearning",
            "link set dev pspr10 up",
            "qdisc add dev pspr10 handle ffff: ingress",
            "filter add dev pspr10 ingress prio 7 protocol all matchall action mirred egress redirect dev tap900i0 cookie C");
    k.apply(s.actions());
    assertThat(planner.plan(p, k.node()).actions()).isEmpty();
    ConvergeStep gone = planner.plan(NodeMirrorPlan.empty("n", 2), k.node());
    assertThat(rendered(gone)).contains("link del dev pspr10");
    assertThat(gone.drift()).extracting(ConvergeStep.Finding::object).contains("device pspr10");
  }

  @Test
  void aCookieNotOursIsForeign() {
    assertThat(OwnershipCookie.parseOrNull("deadbeef")).isNull();
    assertThat(OwnershipCookie.parseOrNull("70737031" + "0".repeat(24))).isNotNull();
    assertThat(InterfaceName.of("tap1i0")).isNotNull();
  }
}
