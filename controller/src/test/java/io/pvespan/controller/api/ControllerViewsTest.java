package io.pvespan.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import io.pvespan.status.Condition;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session conditions from specs, plans and agent states: no I/O. */
class ControllerViewsTest {
  private static MirrorSession session(String name, boolean paused, int... vmids) {
    List<VmId> ids = java.util.Arrays.stream(vmids).mapToObj(VmId::new).toList();
    return MirrorSession.of(
        name,
        new MirrorSessionSpec(
            new SourceSelector(ids, null, null, null, null, null, null),
            Direction.BOTH,
            "ids",
            null,
            null,
            paused));
  }

  private static NodeMirrorPlan plan(String node, String session, int vmid) {
    var m =
        new MirrorEntry(
            session,
            new VmId(vmid),
            new NicId(0),
            InterfaceName.of("tap" + vmid + "i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap999i0")),
            null);
    return NodeMirrorPlan.of(node, 3, List.of(m), List.of(), List.of());
  }

  private static AgentSnapshot agent(
      NodeMirrorPlan p, Boolean reachable, String applied, NodeMirrorStatus st) {
    return new AgentSnapshot(
        p.node(),
        "https://x:8787/",
        reachable,
        null,
        3,
        applied,
        3,
        p.digest(),
        st,
        null,
        1,
        0,
        false,
        null);
  }

  private static ControllerSnapshot snapshot(
      List<MirrorSession> sessions,
      List<NodeMirrorPlan> plans,
      List<AgentSnapshot> agents,
      List<String> specErrors) {
    Sensor ids = Sensor.of("ids", new SensorSpec(new SensorVm(new VmId(999), new NicId(0)), null));
    return new ControllerSnapshot(
        Instant.EPOCH,
        new SpecSet(List.of(ids), sessions),
        specErrors,
        null,
        null,
        null,
        0,
        0,
        plans,
        List.of(),
        List.of(),
        agents,
        0);
  }

  private static String conditions(SessionView v) {
    return v.conditions().stream()
        .map(c -> c.type() + "=" + c.status() + "/" + c.reason())
        .reduce((a, b) -> a + " " + b)
        .orElse("");
  }

  @Test
  void readyDegradedPausedAndNothingSelected() {
    NodeMirrorPlan p1 = plan("pve1", "web", 101);
    NodeMirrorPlan p2 = plan("pve2", "db", 201);
    var failed =
        new NodeMirrorStatus(
            null,
            null,
            "pve2",
            3,
            "sha256:old",
            null,
            List.of(
                new EntryStatus(
                    "db",
                    InterfaceName.of("tap201i0"),
                    Direction.BOTH,
                    "failed",
                    "no such device",
                    10,
                    1500)),
            null,
            null,
            null);
    var s =
        snapshot(
            List.of(
                session("web", false, 101),
                session("db", false, 201),
                session("off", true, 101),
                session("none", false, 555)),
            List.of(p1, p2),
            List.of(agent(p1, true, p1.digest(), null), agent(p2, false, "sha256:old", failed)),
            List.of());
    var views = ControllerViews.sessions(s);
    assertThat(views).extracting(SessionView::name).containsExactly("db", "none", "off", "web");
    assertThat(conditions(views.get(3))).isEqualTo("Ready=True/Applied Degraded=False/AsExpected");
    assertThat(views.get(3).devices()).containsEntry("pve1", List.of("tap101i0"));
    assertThat(conditions(views.get(0)))
        .isEqualTo("Ready=False/PlanNotApplied Degraded=True/AgentUnreachable");
    assertThat(views.get(0).conditions().get(1).message())
        .contains("agent unreachable on pve2")
        .contains("failed: pve2/tap201i0: no such device");
    assertThat(views.get(0).bytes()).isEqualTo(1500);
    assertThat(conditions(views.get(1))).startsWith("Ready=False/NoSourcesSelected");
    assertThat(conditions(views.get(2))).startsWith("Ready=False/Paused");

    var broken =
        snapshot(
            List.of(session("web", false, 101)),
            List.of(p1),
            List.of(agent(p1, true, p1.digest(), null)),
            List.of("a.yaml:1:1: bad"));
    assertThat(conditions(ControllerViews.sessions(broken).get(0)))
        .isEqualTo("Ready=True/Applied Degraded=True/SpecsInvalid");
  }

  private static NodeMirrorStatus withReady(
      String node, String digest, String status, String reason) {
    return new NodeMirrorStatus(
        null,
        null,
        node,
        3,
        digest,
        null,
        null,
        null,
        null,
        List.of(new Condition("Ready", status, reason, "tc probe: exit 1: RTNETLINK", null, 3)));
  }

  private static String ready(NodeView v) {
    return v.ready().status() + "/" + v.ready().reason();
  }

  @Test
  void aNodeIsReadyOnlyWhenItsAgentSaysSoAndHasThePlan() {
    NodeMirrorPlan p1 = plan("pve1", "web", 101);
    NodeMirrorPlan p2 = plan("pve2", "web", 102);
    NodeMirrorPlan p3 = plan("pve3", "db", 103);
    NodeMirrorPlan p4 = plan("pve4", "db", 104);
    NodeMirrorPlan p5 = plan("pve5", "db", 105);
    var probeFailed = withReady("pve2", p2.digest(), "False", "KernelProbeFailed");
    var s =
        snapshot(
            List.of(session("web", false, 101, 102), session("db", false, 103)),
            List.of(p1, p2, p3, p4, p5),
            List.of(
                agent(p1, true, p1.digest(), withReady("pve1", p1.digest(), "True", "AgentReady")),
                agent(p2, true, p2.digest(), probeFailed),
                agent(p3, null, null, null),
                agent(p4, false, null, null),
                agent(
                    p5, true, "sha256:old", withReady("pve5", "sha256:old", "True", "AgentReady"))),
            List.of());

    List<NodeView> nodes = ControllerViews.nodes(s);

    assertThat(nodes)
        .extracting(ControllerViewsTest::ready)
        .containsExactly(
            "True/AgentReady",
            "False/KernelProbeFailed",
            "Unknown/NoStatusYet",
            "False/AgentUnreachable",
            "False/PlanNotApplied");
    assertThat(nodes.get(1).ready().message()).isEqualTo("tc probe: exit 1: RTNETLINK");
    // the session on the not-ready node is degraded, with the agent's reason
    SessionView web = ControllerViews.sessions(s).get(1);
    assertThat(conditions(web)).isEqualTo("Ready=True/Applied Degraded=True/AgentNotReady");
    assertThat(web.conditions().get(1).message())
        .isEqualTo("agent not ready on pve2: KernelProbeFailed");
  }
}
