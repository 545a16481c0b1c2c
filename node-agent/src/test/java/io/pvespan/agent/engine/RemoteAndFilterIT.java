package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.delivery;
import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static io.pvespan.agent.engine.Plans.vxlanReceive;
import static io.pvespan.agent.engine.Plans.vxlanSend;
import static io.pvespan.agent.engine.Plans.vxlanTarget;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.FilterRule;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VXLAN remote mirror across two node namespaces, and filter rules on a real kernel. */
class RemoteAndFilterIT {
  private Lab lab;
  private NetnsName nodeA;
  private NetnsName vm;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    nodeA = lab.node("na");
    vm = lab.vm(nodeA, 101, "198.18.1.101/24", true);
    lab.vm(nodeA, 102, "198.18.1.102/24", true);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  @Test
  void vxlanCarriesEveryByteToTheSensorOnTheOtherNode() {
    NetnsName nodeB = lab.node("nb");
    Lab.sh(
        "ip",
        "-n",
        nodeA.value(),
        "link",
        "add",
        "ul0",
        "type",
        "veth",
        "peer",
        "name",
        "ul0",
        "netns",
        nodeB.value());
    Lab.sh("ip", "-n", nodeA.value(), "addr", "add", "198.18.0.1/24", "dev", "ul0");
    Lab.sh("ip", "-n", nodeB.value(), "addr", "add", "198.18.0.2/24", "dev", "ul0");
    Lab.sh("ip", "-n", nodeA.value(), "link", "set", "ul0", "up");
    Lab.sh("ip", "-n", nodeB.value(), "link", "set", "ul0", "up");
    NetnsName sensor = lab.vm(nodeB, 900, null, false);

    NodeMirrorPlan a =
        NodeMirrorPlan.of(
            "na",
            1,
            List.of(mirror("s1", 101, Direction.BOTH, vxlanTarget("pspv10", "198.18.0.2", 10))),
            List.of(vxlanSend("pspv10", "198.18.0.1", "198.18.0.2", 10)),
            List.of());
    NodeMirrorPlan b =
        NodeMirrorPlan.of(
            "nb",
            1,
            List.of(),
            List.of(vxlanReceive("pspr10", "198.18.0.2", 10)),
            List.of(delivery("s1", "pspr10", "tap900i0")));
    KernelConverger ca = LocalMirrorIT.converger(lab, nodeA);
    KernelConverger cb = LocalMirrorIT.converger(lab, nodeB);
    assertThat(cb.converge(b).failures()).isEmpty();
    ConvergeReport ra = ca.converge(a);
    assertThat(ra.failures()).isEmpty();
    assertThat(ra.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("active"));

    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vm, "eth0", "tx");
    long rx0 = lab.bytes(vm, "eth0", "rx");
    lab.udp(vm, "198.18.1.102", 200, 1000);
    long expected = lab.bytes(vm, "eth0", "tx") - tx0 + lab.bytes(vm, "eth0", "rx") - rx0;
    long deadline = System.nanoTime() + 2_000_000_000L;
    long got = 0;
    while (System.nanoTime() < deadline
        && (got = lab.bytes(sensor, "eth0", "rx") - sensor0) < expected - 200) {
      Thread.onSpinWait(); // decapsulation is asynchronous: poll with a deadline
    }
    assertThat(got).isBetween(expected - 200, expected + 200);
    assertThat(ca.converge(a).writes()).isZero();
    assertThat(cb.converge(b).writes()).isZero();

    ConvergeReport emptied = ca.converge(NodeMirrorPlan.empty("na", 2));
    assertThat(emptied.failures()).isEmpty();
    assertThat(Lab.sh("ip", "-n", nodeA.value(), "link", "show"))
        .doesNotContain("pspv10")
        .contains("ul0");
  }

  @Test
  void aFilterRuleMirrorsOnlyMatchingTraffic() {
    NetnsName sensor = lab.vm(nodeA, 900, null, false);
    FilterRule udp5000 =
        new FilterRule(
            FilterRule.Action.ACCEPT, FilterRule.Protocol.UDP, "198.18.1.0/24", List.of(5000));
    KernelConverger c = LocalMirrorIT.converger(lab, nodeA);
    ConvergeReport r =
        c.converge(
            plan(1, List.of(mirror("s1", 101, Direction.EGRESS, local("tap900i0"), udp5000))));
    assertThat(r.failures()).isEmpty();
    assertThat(r.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).as(e.message()).isEqualTo("active"));
    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    lab.udp(vm, "198.18.1.102", 9, 100, 500);
    lab.udp(vm, "198.18.1.102", 5000, 50, 700);
    long mirrored = lab.bytes(sensor, "eth0", "rx") - sensor0;
    assertThat(mirrored).isEqualTo(50L * (14 + 20 + 8 + 700));
    assertThat(
            c.converge(
                    plan(
                        2,
                        List.of(mirror("s1", 101, Direction.EGRESS, local("tap900i0"), udp5000))))
                .writes())
        .isZero();
  }
}
