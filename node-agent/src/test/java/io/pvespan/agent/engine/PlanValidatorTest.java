package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.Plans;
import io.pvespan.plan.NodeMirrorPlan;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlanValidatorTest {
  static final Underlay LAB_UNDERLAY = Underlay.of("198.18.0.0/15");

  @Test
  void tunnelsOutsideTheUnderlayOrWithoutOneAreRefused() {
    assertThat(PlanValidator.problems(Plans.full(2), Plans.NODE, Underlay.of("10.9.0.0/24")))
        .contains("tunnel pspx1: 198.18.0.9 is outside the node's underlay [10.9.0.0/24]");
    assertThat(PlanValidator.problems(Plans.full(2), Plans.NODE, Underlay.NONE))
        .anyMatch(p -> p.contains("no --underlay configured"));
    assertThat(PlanValidator.problems(Plans.simple(2), Plans.NODE, Underlay.NONE)).isEmpty();
  }

  private static List<String> problems(NodeMirrorPlan plan) {
    return PlanValidator.problems(plan, Plans.NODE, LAB_UNDERLAY);
  }

  @Test
  void validPlansPass() {
    assertThat(problems(Plans.simple(1))).isEmpty();
    assertThat(problems(Plans.full(7))).isEmpty();
    assertThat(problems(NodeMirrorPlan.empty(Plans.NODE, 3))).isEmpty();
  }

  @Test
  void standbyTargetsAreCheckedLikeTheTarget() {
    var m = Plans.local("s1", 101, "tap900i0");
    var bad =
        io.pvespan.agent.engine.Plans.with(
            m,
            List.<io.pvespan.plan.MirrorTarget>of(
                new io.pvespan.plan.LocalTarget(m.device()),
                new io.pvespan.plan.TunnelTarget(
                    io.pvespan.model.Encapsulation.VXLAN,
                    io.pvespan.model.InterfaceName.of("pspnone"),
                    "198.18.0.9",
                    io.pvespan.model.Vni.of(7),
                    null)),
            List.of());
    assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(bad), List.of(), List.of())))
        .containsExactly(
            "mirror s1 tap101i0 standby mirrors into itself",
            "mirror s1 tap101i0 standby targets tunnel pspnone, which is not in tunnels");
  }

  @Test
  void onlyGuestDevicesMayBeTouched() {
    for (String host : List.of("eth0", "lo", "vmbr0", "fwbr100i0", "fwpr100p0", "bond0")) {
      var asSource = Plans.local("s1", 101, "tap900i0");
      var source =
          new io.pvespan.plan.MirrorEntry(
              asSource.session(),
              asSource.vmid(),
              asSource.nic(),
              io.pvespan.model.InterfaceName.of(host),
              asSource.direction(),
              asSource.state(),
              asSource.target(),
              asSource.filter());
      assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(source), List.of(), List.of())))
          .as(host)
          .singleElement()
          .asString()
          .contains("only a guest device");
      var into = Plans.local("s1", 101, host);
      assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(into), List.of(), List.of())))
          .as(host)
          .singleElement()
          .asString()
          .contains("is not a guest device");
    }
  }

  @Test
  void planForAnotherNodeIsRefused() {
    assertThat(PlanValidator.problems(Plans.simple(1), "pve2", LAB_UNDERLAY))
        .containsExactly("plan is for node 'pve1', this agent is node 'pve2'");
  }

  @Test
  void digestMustMatchContent() {
    NodeMirrorPlan p = Plans.simple(1);
    NodeMirrorPlan tampered =
        new NodeMirrorPlan(
            p.apiVersion(), p.kind(), p.node(), 1, "sha256:00", p.mirrors(), List.of(), List.of());
    assertThat(problems(tampered)).singleElement().asString().startsWith("digest 'sha256:00'");
  }

  @Test
  void kindAndApiVersionAreChecked() {
    NodeMirrorPlan p = Plans.simple(1);
    NodeMirrorPlan wrong =
        new NodeMirrorPlan(
            "v9", "Other", p.node(), 1, p.digest(), p.mirrors(), List.of(), List.of());
    assertThat(problems(wrong))
        .containsExactly(
            "kind 'Other' is not NodeMirrorPlan",
            "apiVersion 'v9' is not " + io.pvespan.spec.SpecApi.VERSION);
  }

  @Test
  void mirrorTargetTunnelMustBeListed() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(Plans.remote("web", 102, "pspx1", "198.18.0.9")),
            List.of(),
            List.of());
    assertThat(problems(p))
        .containsExactly("mirror web tap102i0 targets tunnel pspx1, which is not in tunnels");
  }

  @Test
  void mirrorTargetTunnelMustSend() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(Plans.remote("web", 102, "pspr1", "198.18.0.9")),
            List.of(Plans.receiveTunnel("pspr1")),
            List.of());
    assertThat(problems(p))
        .containsExactly("mirror web tap102i0 targets tunnel pspr1, which is not a send tunnel");
  }

  @Test
  void deliveryTunnelMustBeListedAndReceive() {
    NodeMirrorPlan missing =
        NodeMirrorPlan.of(
            Plans.NODE, 1, List.of(), List.of(), List.of(Plans.delivery("web", "pspr1", "tap9i0")));
    assertThat(problems(missing))
        .containsExactly("delivery web pspr1 -> tap9i0: tunnel pspr1 is not in tunnels");
    NodeMirrorPlan wrongRole =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(),
            List.of(Plans.sendTunnel("pspx1", "198.18.0.9")),
            List.of(Plans.delivery("web", "pspx1", "tap9i0")));
    assertThat(problems(wrongRole))
        .containsExactly("delivery web pspx1 -> tap9i0: tunnel pspx1 is not a receive tunnel");
  }

  @Test
  void groupSharesTellEntriesApartAndMustAgreeOnTheirCount() {
    var a = Plans.local("dmz", 101, "tap900i0").withShare(new io.pvespan.plan.Share(0, 2, "ids-a"));
    var b = Plans.local("dmz", 101, "tap901i0").withShare(new io.pvespan.plan.Share(1, 2, "ids-b"));
    assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(a, b), List.of(), List.of())))
        .isEmpty();
    var again = Plans.local("dmz", 101, "tap902i0").withShare(new io.pvespan.plan.Share(1, 2, "x"));
    assertThat(
            problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(a, b, again), List.of(), List.of())))
        .containsExactly("mirror dmz tap101i0 both is listed twice");
    var three = Plans.local("dmz", 101, "tap902i0").withShare(new io.pvespan.plan.Share(2, 3, "c"));
    var plain = Plans.local("dmz", 101, "tap903i0");
    assertThat(
            problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(a, b, three), List.of(), List.of())))
        .containsExactly(
            "mirror dmz tap101i0 both: its entries disagree on the group share count (2 and 3)");
    assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(plain, b), List.of(), List.of())))
        .containsExactly(
            "mirror dmz tap101i0 both: its entries disagree on the group share count (0 and 2)");
  }

  @Test
  void aShareOutOfRangeIsRefusedWhenThePlanIsRead() {
    String json =
        io.pvespan.plan.PlanJson.write(
                NodeMirrorPlan.of(
                    Plans.NODE,
                    1,
                    List.of(
                        Plans.local("dmz", 101, "tap900i0")
                            .withShare(new io.pvespan.plan.Share(1, 2, "ids-b"))),
                    List.of(),
                    List.of()))
            .replace("\"index\":1", "\"index\":2");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> io.pvespan.plan.PlanJson.MAPPER.readValue(json, NodeMirrorPlan.class))
        .hasMessageContaining("share index 2 is outside 0..1 (count 2)");
  }

  @Test
  void duplicatesAreRefused() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(Plans.local("dmz", 101, "tap900i0"), Plans.local("dmz", 101, "tap901i0")),
            List.of(
                Plans.sendTunnel("pspx1", "198.18.0.9"), Plans.sendTunnel("pspx1", "198.18.0.8")),
            List.of());
    assertThat(problems(p))
        .contains("tunnel pspx1 is listed twice", "mirror dmz tap101i0 both is listed twice");
  }

  @Test
  void mirrorIntoItselfAndFromOurOwnDevicesAreRefused() {
    NodeMirrorPlan self =
        NodeMirrorPlan.of(
            Plans.NODE, 1, List.of(Plans.local("dmz", 101, "tap101i0")), List.of(), List.of());
    assertThat(problems(self)).containsExactly("mirror dmz tap101i0 mirrors into itself");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.org", "198.18.0.256", "1.2.3", "-x", "::g", "1.2.3.4 ; reboot"})
  void tunnelEndpointsMustBeIpLiterals(String remote) {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE, 1, List.of(), List.of(Plans.sendTunnel("pspx1", remote)), List.of());
    assertThat(problems(p))
        .containsExactly("tunnel pspx1 remote '" + remote + "' is not an IP address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.9", "2001:db8::1", "fe80::1"})
  void ipLiteralsPass(String remote) {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE, 1, List.of(), List.of(Plans.sendTunnel("pspx1", remote)), List.of());
    Underlay both = Underlay.of("198.18.0.0/15", "2001:db8::/32", "fe80::/10");
    assertThat(PlanValidator.problems(p, Plans.NODE, both)).isEmpty();
  }

  @Test
  void sessionNamesAreMetadataNames() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE, 1, List.of(Plans.local("Bad\"}\n", 101, "tap900i0")), List.of(), List.of());
    assertThat(problems(p)).singleElement().asString().contains("is not a valid name");
  }

  /** Found by PlanIntakePropertiesTest: a filter CIDR was never checked, {@code eth0} got a 202. */
  @ParameterizedTest
  @ValueSource(
      strings = {"eth0", "$(id)", "198.18.0.0/33", "2001:db8::/129", "10.0.0.1/", "01.2.3.4"})
  void aFilterCidrThatTheKernelCannotReadIsRefused(String cidr) {
    var m = Plans.local("s1", 101, "tap900i0");
    var filtered =
        new io.pvespan.plan.MirrorEntry(
            m.session(),
            m.vmid(),
            m.nic(),
            m.device(),
            m.direction(),
            m.state(),
            m.target(),
            List.of(
                new io.pvespan.spec.FilterRule(
                    io.pvespan.spec.FilterRule.Action.ACCEPT, null, cidr, null)));
    assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(filtered), List.of(), List.of())))
        .containsExactly(
            "mirror s1 tap101i0: filter cidr '" + cidr + "' is not an IP address or prefix");
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.0/15", "10.0.0.1", "2001:db8::/32", "0.0.0.0/0", "::/0"})
  void aFilterCidrThatTheKernelReadsPasses(String cidr) {
    var m = Plans.local("s1", 101, "tap900i0");
    var filtered =
        new io.pvespan.plan.MirrorEntry(
            m.session(),
            m.vmid(),
            m.nic(),
            m.device(),
            m.direction(),
            m.state(),
            m.target(),
            List.of(
                new io.pvespan.spec.FilterRule(
                    io.pvespan.spec.FilterRule.Action.ACCEPT, null, cidr, null)));
    assertThat(problems(NodeMirrorPlan.of(Plans.NODE, 1, List.of(filtered), List.of(), List.of())))
        .isEmpty();
    assertThat(io.pvespan.agent.kernel.Cidr.parse(cidr)).isNotNull();
  }

  @Test
  void aTunnelNamedLikeACopyConditionerIsRefused() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(Plans.remote("web", 102, "pspq0a1b2c3d", "198.18.0.9")),
            List.of(Plans.sendTunnel("pspq0a1b2c3d", "198.18.0.9")),
            List.of());
    assertThat(problems(p))
        .containsExactly(
            "tunnel pspq0a1b2c3d: psp[qr] + 8 hex digits names the agent's copy conditioners, not a"
                + " tunnel");
  }

  @Test
  void aPlanNeedingMoreThan256CopyConditionersIsRefused() {
    java.util.function.IntFunction<NodeMirrorPlan> sessions =
        n -> {
          List<io.pvespan.plan.MirrorEntry> entries = new java.util.ArrayList<>();
          for (int i = 0; i < n; i++) {
            entries.add(
                Plans.local("s" + i, 101, "tap900i0")
                    .conditioned(new io.pvespan.plan.Conditioner(128, null, null)));
          }
          return NodeMirrorPlan.of(Plans.NODE, 1, entries, List.of(), List.of());
        };
    assertThat(problems(sessions.apply(256))).isEmpty();
    assertThat(problems(sessions.apply(400)))
        .containsExactly(
            "the plan needs more than 256 copy conditioners (veth pairs) on this node");
  }

  @Test
  void aConditionedEntryPasses() {
    NodeMirrorPlan p =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(
                Plans.local("web", 101, "tap900i0")
                    .conditioned(
                        new io.pvespan.plan.Conditioner(
                            128, io.pvespan.model.Bandwidth.parse("10Mbit"), 100))),
            List.of(),
            List.of());
    assertThat(problems(p)).isEmpty();
  }
}
