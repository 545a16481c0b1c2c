package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.Vni;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where copies go: local sensor, sensor on another node, external collector. */
class MirrorPlannerTargetsTest {
  static final InterfaceName SENSOR = InterfaceName.of("tap200i1");

  @Test
  void sensorOnTheSourceNodeGetsLocalMirrorsFromTheTaps() {
    PlanResult result =
        plan(labSpecs(session("dmz-web", sources().tags("dmz").build(), "ids-1")), lab());

    assertThat(result.errors()).isEmpty();
    NodeMirrorPlan pve1 = nodePlan(result, "pve1");
    assertThat(pve1.mirrors())
        .extracting(MirrorEntry::device, MirrorEntry::target, MirrorEntry::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                InterfaceName.of("tap101i0"), new LocalTarget(SENSOR), EntryState.ACTIVE),
            org.assertj.core.groups.Tuple.tuple(
                InterfaceName.of("tap102i0"), new LocalTarget(SENSOR), EntryState.ACTIVE));
    assertThat(pve1.mirrors()).allSatisfy(e -> assertThat(e.direction()).isEqualTo(Direction.BOTH));
  }

  @Test
  void sensorOnAnotherNodeGetsASendTunnelThereAndAReceiveTunnelWithDeliveryAtTheSensor() {
    PlanResult result =
        plan(labSpecs(session("dmz-web", sources().tags("dmz").build(), "ids-1")), lab());
    // Sensor ids-1 runs on pve1: the session's tunnels into pve1.
    Vni vni = Vni.of((int) TunnelIdAllocator.hashId("dmz-web@pve1"));
    InterfaceName tunnel = InterfaceName.of(String.format("pspv%06x", vni.value()));

    NodeMirrorPlan pve2 = nodePlan(result, "pve2");
    assertThat(pve2.mirrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.device()).isEqualTo(InterfaceName.of("veth103i0"));
              assertThat(e.target())
                  .isEqualTo(
                      new TunnelTarget(Encapsulation.VXLAN, tunnel, "198.18.0.1", vni, null));
            });
    assertThat(pve2.tunnels())
        .containsExactly(
            new TunnelDevice(
                tunnel,
                Encapsulation.VXLAN,
                TunnelRole.SEND,
                "198.18.0.2",
                "198.18.0.1",
                vni,
                null,
                4789,
                1450));
    assertThat(pve2.deliveries()).isEmpty();

    NodeMirrorPlan pve1 = nodePlan(result, "pve1");
    assertThat(pve1.tunnels())
        .containsExactly(
            new TunnelDevice(
                tunnel,
                Encapsulation.VXLAN,
                TunnelRole.RECEIVE,
                "198.18.0.1",
                null,
                vni,
                null,
                4789,
                1450));
    assertThat(pve1.deliveries())
        .containsExactly(new Delivery("dmz-web", tunnel, SENSOR, EntryState.ACTIVE));
    // pve3 only holds the template 105: an empty plan, but a plan.
    assertThat(nodePlan(result, "pve3").mirrors()).isEmpty();
    assertThat(result.plans())
        .extracting(NodeMirrorPlan::node)
        .containsExactly("pve1", "pve2", "pve3");
  }

  @Test
  void externalCollectorGetsASendTunnelWithItsVniOnEverySourceNodeAndNoDelivery() {
    PlanResult result =
        plan(labSpecs(session("to-soc", sources().tags("dmz", "db").build(), "collector")), lab());
    InterfaceName tunnel = InterfaceName.of("pspv001092"); // 4242 = 0x1092

    assertThat(result.errors()).isEmpty();
    for (String[] node : new String[][] {{"pve1", "198.18.0.1"}, {"pve2", "198.18.0.2"}}) {
      NodeMirrorPlan p = nodePlan(result, node[0]);
      assertThat(p.tunnels())
          .containsExactly(
              new TunnelDevice(
                  tunnel,
                  Encapsulation.VXLAN,
                  TunnelRole.SEND,
                  node[1],
                  "198.51.100.7",
                  Vni.of(4242),
                  null,
                  4789,
                  1450));
      assertThat(p.mirrors())
          .allSatisfy(
              e ->
                  assertThat(e.target())
                      .isEqualTo(
                          new TunnelTarget(
                              Encapsulation.VXLAN, tunnel, "198.51.100.7", Vni.of(4242), null)));
      assertThat(p.deliveries()).isEmpty();
    }
    assertThat(mirrorDevices(result))
        .containsExactly(
            "pve1:tap101i0", "pve1:tap102i0", "pve2:tap104i0", "pve2:tap104i1", "pve2:veth103i0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // session encapsulation, sensor, device prefix, keyed, dstPort
    "gretap, ids-2, pspg, true, ",
    "gre, ids-2, pspe, true, ",
    "erspan, ids-2, pspn, true, ",
    "geneve, ids-2, pspu, false, 6081",
    "vxlan, ids-2, pspv, false, 4789",
    "auto, ids-2, pspv, false, 4789",
  })
  void encapsulationDecidesDeviceNameIdKindAndPort(
      String encapsulation, String sensor, String prefix, boolean keyed, Integer dstPort) {
    Encapsulation e = Encapsulation.parse(encapsulation);
    PlanResult result =
        plan(
            labSpecs(
                session("dmz-web", sources().vmids(101).build(), sensor, Direction.BOTH, e, false)),
            lab());

    TunnelDevice send = nodePlan(result, "pve1").tunnels().get(0);
    long id = TunnelIdAllocator.hashId("dmz-web@pve3"); // sensor ids-2 runs on pve3
    assertThat(send.device().value()).startsWith(prefix).hasSize(keyed ? 12 : 10);
    assertThat(send.type()).isEqualTo(e.resolve().json());
    assertThat(send.dstPort()).isEqualTo(dstPort);
    assertThat(send.key()).isEqualTo(keyed ? Long.valueOf(id) : null);
    assertThat(send.vni()).isEqualTo(keyed ? null : Vni.of((int) id));
    assertThat(send.mtu()).isEqualTo(1500 - e.overheadBytes());
    TunnelDevice receive = nodePlan(result, "pve3").tunnels().get(0);
    assertThat(receive.device()).isEqualTo(send.device());
    assertThat(receive.role()).isEqualTo(TunnelRole.RECEIVE);
  }

  @Test
  void collectorEncapsulationIsUsedUnlessTheSessionNamesOne() {
    var gre = remoteSensor("gre-soc", "198.51.100.9", Encapsulation.GRETAP, null, 77L);
    PlanResult auto =
        plan(specs(List.of(gre), session("s", sources().vmids(101).build(), "gre-soc")), lab());
    PlanResult forced =
        plan(
            specs(
                List.of(collector()),
                session(
                    "s",
                    sources().vmids(101).build(),
                    "collector",
                    Direction.BOTH,
                    Encapsulation.GRETAP,
                    false)),
            lab());

    assertThat(nodePlan(auto, "pve1").tunnels().get(0))
        .extracting(TunnelDevice::device, TunnelDevice::key, TunnelDevice::dstPort)
        .containsExactly(InterfaceName.of("pspg0000004d"), 77L, null);
    // A vxlan collector asked for gretap by the session: its vni is the key.
    assertThat(nodePlan(forced, "pve1").tunnels().get(0))
        .extracting(TunnelDevice::device, TunnelDevice::key)
        .containsExactly(InterfaceName.of("pspg00001092"), 4242L);
  }

  @ParameterizedTest(name = "direction {0}")
  @CsvSource({"both", "ingress", "egress"})
  void directionIsCopiedFromTheSessionAsSeenFromTheVm(String direction) {
    Direction d = Direction.parse(direction);
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "s", sources().vmids(101, 103).build(), "ids-1", d, Encapsulation.AUTO, false)),
            lab());

    assertThat(result.plans().stream().flatMap(p -> p.mirrors().stream()))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.direction()).isEqualTo(d));
  }

  @Test
  void stoppedSourcesWaitOnTheirNodeAndAStoppedSensorWarnsAndWaits() {
    var inventory = replace(lab(), 200, g -> withStatus(g, "stopped"));
    PlanResult result =
        plan(labSpecs(session("all", sources().tags("dmz", "db").build(), "ids-1")), inventory);

    assertThat(nodePlan(result, "pve2").mirrors())
        .extracting(e -> e.device().value() + "=" + e.state().json())
        .containsExactly("tap104i0=waiting", "tap104i1=waiting", "veth103i0=active");
    // Local copies into a stopped sensor wait; so does the delivery.
    assertThat(nodePlan(result, "pve1").mirrors())
        .extracting(MirrorEntry::state)
        .containsOnly(EntryState.WAITING);
    assertThat(nodePlan(result, "pve1").deliveries())
        .extracting(Delivery::state)
        .containsExactly(EntryState.WAITING);
    assertThat(result.warnings())
        .contains(
            "sensor ids-1: guest 200 is stopped; mirrors to it wait until it runs (start VM 200)");
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void pausedSessionGivesNoEntriesAndNoTunnels() {
    PlanResult result =
        plan(
            labSpecs(
                session(
                    "dmz-web",
                    sources().tags("dmz").build(),
                    "ids-1",
                    Direction.BOTH,
                    Encapsulation.AUTO,
                    true)),
            lab());

    assertThat(result.plans())
        .hasSize(3)
        .allSatisfy(
            p -> {
              assertThat(p.mirrors()).isEmpty();
              assertThat(p.tunnels()).isEmpty();
              assertThat(p.deliveries()).isEmpty();
            });
  }

  @Test
  void localOnlySessionNeedsNoTunnel() {
    PlanResult result =
        plan(labSpecs(session("s", sources().vmids(101, 102).build(), "ids-1")), lab());

    assertThat(result.plans()).allSatisfy(p -> assertThat(p.tunnels()).isEmpty());
    assertThat(nodePlan(result, "pve1").deliveries()).isEmpty();
  }
}
