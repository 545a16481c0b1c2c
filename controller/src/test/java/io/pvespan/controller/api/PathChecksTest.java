package io.pvespan.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import io.pvespan.status.CanaryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Path verified N s ago": session web mirrors a guest on pve1 and one on pve2 to sensor ids on
 * pve2; agents send every 10 s. Canaries are judged as of the status read that carried them.
 */
class PathChecksTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Sensor IDS =
      Sensor.of("ids", new SensorSpec(new SensorVm(new VmId(200), new NicId(1)), null));
  private static final Sensor COLLECTOR =
      Sensor.of(
          "far",
          new SensorSpec(
              null, new RemoteCollector("198.51.100.7", Encapsulation.VXLAN, Vni.of(7), null)));

  private static MirrorSession session(String name, String sensor) {
    return MirrorSession.of(
        name,
        new MirrorSessionSpec(
            new SourceSelector(List.of(new VmId(101)), null, null, null, null, null, null),
            Direction.BOTH,
            sensor,
            null,
            null,
            null,
            false));
  }

  /** The tunnel from a source node to the sensor's node pve2 (the same name at both ends). */
  private static final TunnelTarget TO_PVE2 =
      new TunnelTarget(
          Encapsulation.VXLAN, InterfaceName.of("pspv4242"), "198.18.0.2", Vni.of(4242), null);

  /**
   * A source node's plan: guest 101's entry with the sensor's tap as its target on pve2 (where the
   * sensor runs), through the tunnel elsewhere; pve2's plan also delivers the tunnel to the tap.
   */
  private static NodeMirrorPlan plan(String node, String session, EntryState state) {
    boolean home = node.equals("pve2");
    MirrorEntry m =
        entry(session, state, home ? new LocalTarget(InterfaceName.of("tap200i1")) : TO_PVE2);
    return NodeMirrorPlan.of(
        node,
        1,
        List.of(m),
        List.of(),
        home ? List.of(delivery(session, EntryState.ACTIVE)) : List.of());
  }

  private static MirrorEntry entry(String session, EntryState state, MirrorTarget target) {
    return new MirrorEntry(
        session,
        new VmId(101),
        new NicId(0),
        InterfaceName.of("tap101i0"),
        Direction.BOTH,
        state,
        target,
        List.of());
  }

  private static Delivery delivery(String session, EntryState state) {
    return new Delivery(session, InterfaceName.of("pspv4242"), InterfaceName.of("tap200i1"), state);
  }

  /** The sensor's node pve2 sourcing nothing itself: it only delivers the tunnel to the sensor. */
  private static NodeMirrorPlan sensorNode(String session, EntryState delivery) {
    return NodeMirrorPlan.of("pve2", 1, List.of(), List.of(), List.of(delivery(session, delivery)));
  }

  private static AgentSnapshot agent(
      String node, Instant lastContact, long intervalMillis, CanaryStatus.Received... got) {
    return agent(node, lastContact, intervalMillis, true, got);
  }

  private static AgentSnapshot agent(
      String node,
      Instant lastContact,
      long intervalMillis,
      boolean signed,
      CanaryStatus.Received... got) {
    CanaryStatus c =
        intervalMillis < 0 ? null : new CanaryStatus(intervalMillis, signed, null, List.of(got));
    NodeMirrorStatus st =
        new NodeMirrorStatus(null, null, node, 1, null, null, null, null, null, null)
            .withCanaries(c);
    return new AgentSnapshot(
        node, "u", true, lastContact, 1, "d", 1, "d", st, null, 0, 0, false, null);
  }

  private static CanaryStatus.Received got(String from, Instant sentAt) {
    return got(from, "tap200i1", sentAt);
  }

  private static CanaryStatus.Received got(String from, String device, Instant sentAt) {
    return new CanaryStatus.Received("web", from, device, 1, sentAt, sentAt, 1);
  }

  private static List<PathView> paths(
      List<NodeMirrorPlan> plans, MirrorSession s, AgentSnapshot... agents) {
    return paths(null, plans, s, agents);
  }

  private static List<PathView> paths(
      io.pvespan.inventory.Inventory inventory,
      List<NodeMirrorPlan> plans,
      MirrorSession s,
      AgentSnapshot... agents) {
    ControllerSnapshot snap =
        new ControllerSnapshot(
            NOW,
            new SpecSet(List.of(COLLECTOR, IDS), List.of(s)),
            List.of(),
            inventory,
            null,
            null,
            0,
            0,
            plans,
            List.of(),
            List.of(),
            List.of(agents),
            0,
            null,
            null);
    java.util.Map<String, AgentSnapshot> byNode = new java.util.TreeMap<>();
    for (AgentSnapshot a : agents) {
      byNode.put(a.node(), a);
    }
    return PathChecks.of(snap, s, byNode);
  }

  @Test
  void aFreshCanaryAtTheSensorVerifiesItsSourceNodeOnly() {
    List<PathView> p =
        paths(
            List.of(plan("pve1", "web", EntryState.ACTIVE), plan("pve2", "web", EntryState.ACTIVE)),
            session("web", "ids"),
            agent("pve1", NOW, 10_000),
            agent("pve2", NOW.minusMillis(300), 10_000, got("pve2", NOW.minusSeconds(4))));
    assertThat(p).extracting(PathView::node).containsExactly("pve1", "pve2");
    assertThat(p.get(0).verified()).isFalse();
    assertThat(p.get(0).checked()).isTrue();
    assertThat(p.get(0).message()).isEqualTo("path not verified (no canary arrived)");
    assertThat(p.get(1).verified()).isTrue();
    assertThat(p.get(1).ageSeconds()).isEqualTo(4.0);
    assertThat(p.get(1).message()).isEqualTo("path verified 4 s ago");
  }

  @Test
  void aPathVerifiedByUnsignedCanariesSaysSo() {
    List<PathView> p =
        paths(
            List.of(plan("pve2", "web", EntryState.ACTIVE)),
            session("web", "ids"),
            agent("pve2", NOW, 10_000, false, got("pve2", NOW.minusSeconds(4))));
    assertThat(p.get(0).verified()).isTrue();
    assertThat(p.get(0).message())
        .isEqualTo(
            "path verified 4 s ago (unsigned canaries: no agent token, a guest could forge them)");
  }

  @Test
  void aCanaryOlderThanOneAndAHalfIntervalsAtTheLastReadIsNotEnough() {
    var plans =
        List.of(plan("pve1", "web", EntryState.ACTIVE), sensorNode("web", EntryState.ACTIVE));
    List<String> rows = new ArrayList<>();
    for (int sentSecondsAgo : new int[] {14, 15, 16, 30}) {
      PathView p =
          paths(
                  plans,
                  session("web", "ids"),
                  agent("pve1", NOW, 10_000),
                  agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(sentSecondsAgo))))
              .get(0);
      rows.add(sentSecondsAgo + " " + p.verified() + " " + p.message());
    }
    assertThat(rows)
        .containsExactly(
            "14 true path verified 14 s ago",
            "15 true path verified 15 s ago",
            "16 false path not verified (last canary arrived 16 s ago)",
            "30 false path not verified (last canary arrived 30 s ago)");
  }

  @Test
  void aSensorAgentThatStoppedAnsweringCannotKeepAPathVerified() {
    // Fresh when last read 20 s ago; now 24 s old: more than 1.5 intervals and the read lag.
    PathView p =
        paths(
                List.of(
                    plan("pve1", "web", EntryState.ACTIVE), sensorNode("web", EntryState.ACTIVE)),
                session("web", "ids"),
                agent("pve1", NOW, 10_000),
                agent("pve2", NOW.minusSeconds(20), 10_000, got("pve1", NOW.minusSeconds(24))))
            .get(0);
    assertThat(p.verified()).isFalse();
  }

  @Test
  void externalCollectorsAgentsWithoutCanariesAndStoppedGuestsAreNotChecked() {
    assertThat(
            paths(
                List.of(plan("pve1", "out", EntryState.ACTIVE)),
                session("out", "far"),
                agent("pve1", NOW, 10_000)))
        .singleElement()
        .satisfies(p -> assertThat(p.checked()).isFalse())
        .satisfies(p -> assertThat(p.message()).contains("external collector"));
    assertThat(
            paths(
                List.of(plan("pve1", "web", EntryState.ACTIVE)),
                session("web", "ids"),
                agent("pve1", NOW, -1)))
        .singleElement()
        .satisfies(p -> assertThat(p.checked()).isFalse())
        .satisfies(p -> assertThat(p.message()).contains("sends no canaries"));
    assertThat(
            paths(
                List.of(plan("pve1", "web", EntryState.WAITING)),
                session("web", "ids"),
                agent("pve1", NOW, 10_000)))
        .as("a stopped guest has no path to check")
        .isEmpty();
  }

  @Test
  void aStoppedSensorLeavesTheRunningSourcesPathNotVerifiedAStoppedSourceHasNone() {
    // The planner marks the entry waiting in both cases; the inventory tells them apart.
    var plans =
        List.of(plan("pve1", "web", EntryState.WAITING), sensorNode("web", EntryState.WAITING));
    var running = inventory("running");
    assertThat(
            paths(
                running,
                plans,
                session("web", "ids"),
                agent("pve1", NOW, 10_000),
                agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(40)))))
        .singleElement()
        .satisfies(p -> assertThat(p.checked()).isTrue())
        .satisfies(p -> assertThat(p.verified()).isFalse());
    assertThat(
            paths(inventory("stopped"), plans, session("web", "ids"), agent("pve1", NOW, 10_000)))
        .isEmpty();
  }

  private static io.pvespan.inventory.Inventory inventory(String sourceStatus) {
    return new io.pvespan.inventory.Inventory(
        List.of(),
        List.of(
            new io.pvespan.inventory.Guest(
                new VmId(101),
                io.pvespan.model.GuestType.QEMU,
                "pve1",
                sourceStatus,
                "web1",
                null,
                null,
                false,
                null,
                null)));
  }

  @Test
  void aSensorGroupsPathIsVerifiedOnlyWhenEveryMembersDeviceCountedAFreshCanary() {
    // Session web from pve1 to a two-member group: ids-a on pve2 (through the tunnel), ids-b on
    // pve1 itself (tap201i1). A dead member must not hide behind the live one.
    NodeMirrorPlan source =
        NodeMirrorPlan.of(
            "pve1",
            1,
            List.of(
                entry("web", EntryState.ACTIVE, TO_PVE2),
                entry("web", EntryState.ACTIVE, new LocalTarget(InterfaceName.of("tap201i1")))),
            List.of(),
            List.of());
    var plans = List.of(source, sensorNode("web", EntryState.ACTIVE));
    PathView one =
        paths(
                plans,
                session("web", "ids"),
                agent("pve1", NOW, 10_000),
                agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(3))))
            .get(0);
    assertThat(one.verified()).isFalse();
    assertThat(one.message())
        .isEqualTo("path not verified to 1 of 2 sensors (tap201i1 on pve1: no canary arrived)");
    PathView stale =
        paths(
                plans,
                session("web", "ids"),
                agent("pve1", NOW, 10_000, got("pve1", "tap201i1", NOW.minusSeconds(31))),
                agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(3))))
            .get(0);
    assertThat(stale.verified()).isFalse();
    assertThat(stale.message())
        .isEqualTo(
            "path not verified to 1 of 2 sensors (tap201i1 on pve1: last canary arrived 31 s"
                + " ago)");
    PathView both =
        paths(
                plans,
                session("web", "ids"),
                agent("pve1", NOW, 10_000, got("pve1", "tap201i1", NOW.minusSeconds(7))),
                agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(3))))
            .get(0);
    assertThat(both.verified()).isTrue();
    assertThat(both.message()).as("the older of the two").isEqualTo("path verified 7 s ago");
  }

  @Test
  void aTunnelNoPlanDeliversLeavesThePathNotVerified() {
    // pve2's plan is missing (or has no delivery for the tunnel): a canary counted there anyway
    // cannot verify a path the plans do not say ends there.
    PathView p =
        paths(
                List.of(plan("pve1", "web", EntryState.ACTIVE)),
                session("web", "ids"),
                agent("pve1", NOW, 10_000),
                agent("pve2", NOW, 10_000, got("pve1", NOW.minusSeconds(2))))
            .get(0);
    assertThat(p.checked()).isTrue();
    assertThat(p.verified()).isFalse();
    assertThat(p.message()).isEqualTo("path not verified (last canary arrived 2 s ago)");
  }

  @Test
  void aCanaryCountedAtAnotherDeviceOrNodeVerifiesNothing() {
    var plans =
        List.of(plan("pve1", "web", EntryState.ACTIVE), sensorNode("web", EntryState.ACTIVE));
    // Counted by pve3 (not where the plan delivers) and by pve2 on a device not the sensor's.
    PathView p =
        paths(
                plans,
                session("web", "ids"),
                agent("pve1", NOW, 10_000),
                agent("pve2", NOW, 10_000, got("pve1", "tap999i0", NOW.minusSeconds(2))),
                agent("pve3", NOW, 10_000, got("pve1", NOW.minusSeconds(2))))
            .get(0);
    assertThat(p.verified()).isFalse();
  }

  @Test
  void pathMetricsHaveOneSampleperCheckedPath() {
    SessionView v =
        new SessionView(
            "web",
            "ids",
            false,
            List.of(),
            java.util.Map.of(),
            0,
            0,
            List.of(),
            List.of(
                new PathView("pve1", true, true, NOW, 3.0, "path verified 3 s ago"),
                new PathView("pve2", true, false, null, null, "path not verified"),
                new PathView("pve3", false, false, null, null, "not checked")));
    var metrics = SessionMetrics.paths(List.of(v));
    var verified =
        (io.prometheus.metrics.model.snapshots.GaugeSnapshot)
            metrics.stream()
                .filter(m -> m.getMetadata().getName().equals("pvespan_controller_path_verified"))
                .findFirst()
                .orElseThrow();
    assertThat(verified.getDataPoints())
        .extracting(d -> d.getLabels().get("node") + "=" + d.getValue())
        .containsExactly("pve1=1.0", "pve2=0.0");
    var age =
        (io.prometheus.metrics.model.snapshots.GaugeSnapshot)
            metrics.stream()
                .filter(
                    m ->
                        m.getMetadata()
                            .getName()
                            .equals("pvespan_controller_path_verified_age_seconds"))
                .findFirst()
                .orElseThrow();
    assertThat(age.getDataPoints())
        .extracting(d -> d.getLabels().get("node") + "=" + d.getValue())
        .containsExactly("pve1=3.0");
  }
}
