package io.pvespan.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonTest {
  static final InterfaceName TUNNEL = InterfaceName.of("pspv0a1b2c");

  static NodeMirrorPlan samplePlan() {
    var local =
        new MirrorEntry(
            "dmz-web",
            VmId.of(101),
            NicId.parse("net0"),
            InterfaceName.of("tap101i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap200i1")),
            List.of());
    var remote =
        new MirrorEntry(
            "dmz-web",
            VmId.of(102),
            NicId.parse("net0"),
            InterfaceName.of("veth102i0"),
            Direction.INGRESS,
            EntryState.WAITING,
            new TunnelTarget(Encapsulation.VXLAN, TUNNEL, "198.18.0.2", Vni.of(660268), null),
            List.of());
    var tunnel =
        new TunnelDevice(
            TUNNEL,
            Encapsulation.VXLAN,
            TunnelRole.SEND,
            "198.18.0.1",
            "198.18.0.2",
            Vni.of(660268),
            null,
            4789,
            1500);
    return NodeMirrorPlan.of("pve1", 3, List.of(remote, local), List.of(tunnel), List.of());
  }

  @Test
  void roundTripsThroughJsonWithTheDocumentedShape() throws Exception {
    NodeMirrorPlan plan = samplePlan();
    String json = PlanJson.write(plan);

    assertThat(json)
        .contains("\"kind\":\"NodeMirrorPlan\"")
        .contains("\"interface\":\"tap101i0\"")
        .contains("\"target\":{\"type\":\"local\",\"interface\":\"tap200i1\"}")
        .contains(
            "\"target\":{\"type\":\"vxlan\",\"device\":\"pspv0a1b2c\",\"remote\":\"198.18.0.2\",\"vni\":660268}")
        .contains("\"state\":\"waiting\"");
    assertThat(PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class)).isEqualTo(plan);
  }

  @Test
  void standbyTargetsAndRateLimitRoundTripAndAreOmittedWhenAbsent() throws Exception {
    NodeMirrorPlan plain = samplePlan();
    assertThat(PlanJson.write(plain))
        .doesNotContain("standbyTargets")
        .doesNotContain("rateLimited");
    MirrorEntry local = plain.mirrors().get(0);
    var roaming =
        new MirrorEntry(
            local.session(),
            local.vmid(),
            local.nic(),
            local.device(),
            local.direction(),
            local.state(),
            local.target(),
            local.filter(),
            true,
            List.of(
                new TunnelTarget(
                    Encapsulation.VXLAN,
                    InterfaceName.of("pspv0a1b2d"),
                    "198.18.0.3",
                    Vni.of(660269),
                    null)));
    NodeMirrorPlan plan =
        NodeMirrorPlan.of(
            "pve1", 3, List.of(roaming, plain.mirrors().get(1)), plain.tunnels(), List.of());
    String json = PlanJson.write(plan);

    assertThat(json)
        .contains("\"rateLimited\":true")
        .contains(
            "\"standbyTargets\":[{\"type\":\"vxlan\",\"device\":\"pspv0a1b2d\",\"remote\":\"198.18.0.3\",\"vni\":660269}]");
    assertThat(PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class)).isEqualTo(plan);
    assertThat(plan.digest()).isNotEqualTo(plain.digest());
  }

  @Test
  void aStandbyTargetEqualToTheTargetIsRefused() {
    MirrorEntry local = samplePlan().mirrors().get(0);
    assertThatThrownBy(
            () ->
                new MirrorEntry(
                    local.session(),
                    local.vmid(),
                    local.nic(),
                    local.device(),
                    local.direction(),
                    local.state(),
                    local.target(),
                    local.filter(),
                    false,
                    List.of(local.target())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is the target");
  }

  @Test
  void digestDependsOnContentNotGenerationOrInputOrder() {
    NodeMirrorPlan plan = samplePlan();
    NodeMirrorPlan reordered =
        NodeMirrorPlan.of(
            "pve1",
            3,
            List.of(plan.mirrors().get(1), plan.mirrors().get(0)),
            plan.tunnels(),
            List.of());

    assertThat(reordered).isEqualTo(plan);
    assertThat(plan.withGeneration(9).digest()).isEqualTo(plan.digest());
    assertThat(plan.digest()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(PlanDigest.verify(plan)).isTrue();
    assertThat(NodeMirrorPlan.empty("pve1", 3).digest()).isNotEqualTo(plan.digest());
  }

  @Test
  void hostileInterfaceNameIsRefusedWhileReading() {
    String json = PlanJson.write(samplePlan()).replace("tap101i0", "tap1;reboot");

    assertThatThrownBy(() -> PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class))
        .isInstanceOf(ValueInstantiationException.class)
        .hasMessageContaining("'tap1;reboot' is not a Linux interface name");
  }

  @Test
  void aConditionerRoundTripsAndIsOmittedWhenAbsent() throws Exception {
    NodeMirrorPlan plain = samplePlan();
    assertThat(PlanJson.write(plain)).doesNotContain("conditioner");
    MirrorEntry local =
        plain
            .mirrors()
            .get(0)
            .conditioned(new Conditioner(128, io.pvespan.model.Bandwidth.parse("10Mbit"), 100));
    NodeMirrorPlan conditioned =
        NodeMirrorPlan.of(plain.node(), 2, List.of(local), List.of(), List.of());
    String json = PlanJson.write(conditioned);
    assertThat(json)
        .contains("\"conditioner\":{\"snaplen\":128,\"budget\":\"10Mbit\",\"vlan\":100}");
    assertThat(PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class)).isEqualTo(conditioned);
  }

  @Test
  void aConditionerOutOfBoundsIsRefusedWhenRead() throws Exception {
    String json =
        PlanJson.write(
                NodeMirrorPlan.of(
                    "pve1",
                    1,
                    List.of(
                        samplePlan()
                            .mirrors()
                            .get(0)
                            .conditioned(new Conditioner(128, null, null))),
                    List.of(),
                    List.of()))
            .replace("\"snaplen\":128", "\"snaplen\":20");
    assertThatThrownBy(() -> PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class))
        .hasMessageContaining("snaplen 20 is outside 64..65535");
  }
}
