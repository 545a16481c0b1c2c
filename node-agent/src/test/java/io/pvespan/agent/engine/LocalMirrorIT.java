package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Local mirrors on a real kernel: bytes at the sensor, idempotence, adoption, cleanup. */
class LocalMirrorIT {
  private Lab lab;
  private NetnsName node;
  private NetnsName vmA;
  private NetnsName sensor;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    node = lab.node("n1");
    vmA = lab.vm(node, 101, "198.18.1.101/24", true);
    lab.vm(node, 102, "198.18.1.102/24", true);
    sensor = lab.vm(node, 900, null, false);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  static KernelConverger converger(Lab lab, NetnsName node) {
    NetnsName probe = lab.namespace("probe" + Long.toHexString(System.nanoTime() & 0xfff));
    KernelFeatures f = KernelProbe.probeIn(new ProcessCommandRunner(probe, Duration.ofSeconds(30)));
    return new KernelConverger(
        new ProcessCommandRunner(node, Duration.ofSeconds(30)), f, Clock.systemUTC());
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void bytesAtTheSensorMatchBytesTheVmSentAndReceived(Direction direction) {
    KernelConverger c = converger(lab, node);
    ConvergeReport r =
        c.converge(plan(1, List.of(mirror("s1", 101, direction, local("tap900i0")))));
    assertThat(r.failures()).isEmpty();
    assertThat(r.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("active"));

    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vmA, "eth0", "tx");
    long rx0 = lab.bytes(vmA, "eth0", "rx");
    lab.udp(vmA, "198.18.1.102", 200, 1000);
    long sent = lab.bytes(vmA, "eth0", "tx") - tx0;
    long received = lab.bytes(vmA, "eth0", "rx") - rx0;
    long mirrored = lab.bytes(sensor, "eth0", "rx") - sensor0;
    long expected =
        (direction.includesVmEgress() ? sent : 0) + (direction.includesVmIngress() ? received : 0);
    assertThat(sent).isGreaterThan(200 * 1000);
    assertThat(mirrored).isBetween(expected - 200, expected + 200);

    ConvergeReport again =
        c.converge(plan(2, List.of(mirror("s1", 101, direction, local("tap900i0")))));
    assertThat(again.writes()).isZero();
    assertThat(again.driftFound()).isEmpty();
    assertThat(again.processesSpawned()).isLessThanOrEqualTo(2);
    assertThat(again.entries().get(0).bytes()).isGreaterThan(0);
  }

  @Test
  void bytesCountedBeforeProxmoxWipedTheRulesStayCounted() {
    var p = plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"))));
    KernelConverger c = converger(lab, node);
    assertThat(c.converge(p).failures()).isEmpty();
    lab.udp(vmA, "198.18.1.102", 100, 1000);
    long before = c.converge(p).entries().get(0).bytes();
    assertThat(before).isGreaterThan(100 * 1000);
    // Proxmox's tap_rate_limit on a re-plug: both qdiscs (and our filters with them) go.
    Lab.sh("tc", "-n", node.value(), "qdisc", "del", "dev", "tap101i0", "ingress");
    Lab.sh("tc", "-n", node.value(), "qdisc", "del", "dev", "tap101i0", "root");
    ConvergeReport back = c.converge(p);
    assertThat(back.writes()).isPositive();
    assertThat(back.entries().get(0).bytes()).isGreaterThanOrEqualTo(before);
    lab.udp(vmA, "198.18.1.102", 50, 600);
    // The new filters count from zero in the kernel; the entry goes on from where it was (tc
    // counts a sent frame without its Ethernet header: at least the 600-byte payloads).
    assertThat(c.converge(p).entries().get(0).bytes()).isGreaterThanOrEqualTo(before + 50 * 600);
  }

  @Test
  void aRestartedSensorIsMirroredIntoAgain() {
    var p = plan(1, List.of(mirror("s1", 101, Direction.EGRESS, local("tap900i0"))));
    KernelConverger c = converger(lab, node);
    assertThat(c.converge(p).failures()).isEmpty();
    // The sensor VM restarts: its tap goes and comes back under the same name. The kernel keeps
    // our mirred action pointing at the old device ("*"); the converge must see and fix that.
    Lab.sh("ip", "-n", node.value(), "link", "del", "tap900i0");
    Lab.sh(
        "ip",
        "-n",
        node.value(),
        "link",
        "add",
        "tap900i0",
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        sensor.value());
    Lab.sh("ip", "-n", node.value(), "link", "set", "tap900i0", "up");
    Lab.sh("ip", "-n", sensor.value(), "link", "set", "eth0", "up");
    lab.offloadsOff(node, "tap900i0");
    lab.offloadsOff(sensor, "eth0");
    ConvergeReport back = c.convergeDevice(p, "tap900i0");
    assertThat(back.failures()).isEmpty();
    assertThat(back.driftFound())
        .extracting(d -> d.kind().json() + " " + d.object())
        .containsExactly("modified filter tap101i0 ingress prio 7");
    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vmA, "eth0", "tx");
    lab.udp(vmA, "198.18.1.102", 50, 600);
    long sent = lab.bytes(vmA, "eth0", "tx") - tx0;
    assertThat(lab.bytes(sensor, "eth0", "rx") - sensor0).isBetween(sent - 200, sent + 200);
  }

  @Test
  void aRestartedAgentAdoptsTheRulesWithoutWriting() {
    var p = plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"))));
    assertThat(converger(lab, node).converge(p).writes()).isPositive();
    ConvergeReport restarted = converger(lab, node).converge(p);
    assertThat(restarted.writes()).isZero();
    assertThat(restarted.failures()).isEmpty();
    assertThat(restarted.entries().get(0).state()).isEqualTo("active");
  }

  @Test
  void anAgentRestartedUnderTrafficLosesNoBytesAtTheSensor() throws Exception {
    var p = plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"))));
    assertThat(converger(lab, node).converge(p).failures()).isEmpty();
    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vmA, "eth0", "tx");
    long rx0 = lab.bytes(vmA, "eth0", "rx");
    Thread traffic = new Thread(() -> lab.udp(vmA, "198.18.1.102", 400, 900));
    traffic.start();
    ConvergeReport restarted = converger(lab, node).converge(p); // probe + adopt, mid-traffic
    traffic.join();
    assertThat(restarted.writes()).isZero();
    long both = lab.bytes(vmA, "eth0", "tx") - tx0 + lab.bytes(vmA, "eth0", "rx") - rx0;
    assertThat(both).isGreaterThan(400 * 900);
    assertThat(lab.bytes(sensor, "eth0", "rx") - sensor0).isBetween(both - 200, both + 200);
  }

  @Test
  void anEmptyPlanRemovesEverythingOursAndNothingElse() {
    // Foreign objects: a qdisc, class and filter someone else made on the same device.
    Lab.sh(
        "tc",
        "-n",
        node.value(),
        "qdisc",
        "add",
        "dev",
        "tap101i0",
        "root",
        "handle",
        "1:",
        "htb",
        "default",
        "1");
    Lab.sh(
        "tc",
        "-n",
        node.value(),
        "class",
        "add",
        "dev",
        "tap101i0",
        "parent",
        "1:",
        "classid",
        "1:1",
        "htb",
        "rate",
        "1gbit");
    Lab.sh(
        "tc", "-n", node.value(), "qdisc", "add", "dev", "tap101i0", "handle", "ffff:", "ingress");
    Lab.sh(
        "tc",
        "-n",
        node.value(),
        "filter",
        "add",
        "dev",
        "tap101i0",
        "parent",
        "ffff:",
        "prio",
        "50",
        "protocol",
        "all",
        "u32",
        "match",
        "u32",
        "0",
        "0",
        "classid",
        "1:1");
    Lab.sh(
        "tc",
        "-n",
        node.value(),
        "filter",
        "add",
        "dev",
        "tap101i0",
        "parent",
        "ffff:",
        "prio",
        "7",
        "protocol",
        "all",
        "u32",
        "match",
        "u32",
        "0",
        "0",
        "classid",
        "1:1");
    String before = foreignState();
    KernelConverger c = converger(lab, node);
    ConvergeReport r =
        c.converge(
            plan(
                1,
                List.of(
                    mirror("s1", 101, Direction.BOTH, local("tap900i0")),
                    mirror("s1", 102, Direction.INGRESS, local("tap900i0")))));
    assertThat(r.failures()).isEmpty();
    assertThat(tcFilters("tap101i0", "ingress")).contains("70737031");

    ConvergeReport empty = c.converge(plan(2, List.of()));
    assertThat(empty.failures()).isEmpty();
    assertThat(empty.driftFound())
        .isNotEmpty()
        .allSatisfy(d -> assertThat(d.kind().json()).isEqualTo("unexpected"));
    assertThat(tcFilters("tap101i0", "ingress") + tcFilters("tap101i0", "parent 1:"))
        .doesNotContain("70737031");
    assertThat(Lab.sh("tc", "-n", node.value(), "qdisc", "show", "dev", "tap102i0"))
        .doesNotContain("7370:");
    assertThat(foreignState()).isEqualTo(before);
    assertThat(c.converge(plan(3, List.of())).writes()).isZero();
  }

  private String tcFilters(String dev, String where) {
    List<String> argv =
        new java.util.ArrayList<>(
            List.of("tc", "-n", node.value(), "-j", "filter", "show", "dev", dev));
    argv.addAll(List.of(where.split(" ")));
    return Lab.sh(argv.toArray(String[]::new));
  }

  private String foreignState() {
    return Lab.sh("tc", "-n", node.value(), "-j", "qdisc", "show", "dev", "tap101i0")
        + Lab.sh("tc", "-n", node.value(), "-j", "class", "show", "dev", "tap101i0")
        + tcFilters("tap101i0", "ingress").replace("\"parent\":\"ffff:\",", "");
  }
}
