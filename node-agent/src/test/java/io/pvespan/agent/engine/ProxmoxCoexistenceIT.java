package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import io.pvespan.status.DriftItem;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proxmox's plug on a rate-limited NIC while our mirror is active. The police filter is missing on
 * this kernel, so a stand-in takes its place: a u32 filter at prio 50 whose mirred (default control
 * pipe, ending classification like police does) copies into a counter VM. It must count every frame
 * the VM sends while our mirror (prio &lt; 50, continue) is active.
 */
class ProxmoxCoexistenceIT {
  private Lab lab;
  private NetnsName node;
  private NetnsName vm;
  private NetnsName sensor;
  private NetnsName counter;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    node = lab.node("n1");
    vm = lab.vm(node, 101, "198.18.1.101/24", true);
    lab.vm(node, 102, "198.18.1.102/24", true);
    sensor = lab.vm(node, 900, null, false);
    counter = lab.vm(node, 800, null, false);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  /**
   * What PVE::Network::tap_rate_limit does on plug, in its order (police replaced by the stand-in):
   * delete the rate-limit class, the prio-50 filter, the ingress and the root qdisc (each may fail
   * when absent), then add the htb root, its class, the ingress qdisc and the filter. Returns
   * whether the class and the filter deletes succeeded (both exist on a re-plug).
   */
  private boolean[] proxmoxPlug() {
    String n = node.value();
    boolean[] deleted = {
      tcMayFail("class", "del", "dev", "tap101i0", "parent", "1:", "classid", "1:1"),
      tcMayFail(
          "filter",
          "del",
          "dev",
          "tap101i0",
          "parent",
          "ffff:",
          "protocol",
          "all",
          "prio",
          "50",
          "u32")
    };
    tcMayFail("qdisc", "del", "dev", "tap101i0", "ingress");
    tcMayFail("qdisc", "del", "dev", "tap101i0", "root");
    Lab.sh(
        "tc",
        "-n",
        n,
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
        n,
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
    Lab.sh("tc", "-n", n, "qdisc", "add", "dev", "tap101i0", "handle", "ffff:", "ingress");
    Lab.sh(
        "tc",
        "-n",
        n,
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
        "action",
        "mirred",
        "egress",
        "mirror",
        "dev",
        "tap800i0");
    return deleted;
  }

  /** Proxmox ignores failures of the deletes (nothing to delete); so do we. True: it succeeded. */
  private boolean tcMayFail(String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("tc", "-n", node.value()));
    argv.addAll(List.of(args));
    try {
      Lab.sh(argv.toArray(String[]::new));
      return true;
    } catch (IllegalStateException e) {
      return false; // absent
    }
  }

  @Test
  void plugSucceedsOurMirrorComesBackAndThePoliceStandInSeesEveryFrame() {
    // First plug: nothing to delete yet, so the class and filter deletes fail, as on a fresh tap.
    assertThat(proxmoxPlug()).containsExactly(false, false);
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    var p = plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0"))));
    ConvergeReport first = c.converge(p);
    assertThat(first.failures()).isEmpty();
    assertThat(Lab.sh("tc", "-n", node.value(), "qdisc", "show", "dev", "tap101i0"))
        .doesNotContain("clsact")
        .contains("htb 1:");
    assertEveryFrameSeenByBoth();

    // Re-plug while our mirror is active: the deletes find Proxmox's class and filter and remove
    // them, and every add succeeds (Lab.sh throws otherwise).
    assertThat(proxmoxPlug()).containsExactly(true, true);
    ConvergeReport back = c.converge(p);
    assertThat(back.failures()).isEmpty();
    assertThat(back.driftFound()).extracting(DriftItem::kind).contains(DriftItem.Kind.MISSING);
    assertEveryFrameSeenByBoth();
    assertThat(c.converge(p).writes()).isZero();
  }

  private void assertEveryFrameSeenByBoth() {
    long standIn0 = lab.bytes(counter, "eth0", "rx");
    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vm, "eth0", "tx");
    long rx0 = lab.bytes(vm, "eth0", "rx");
    lab.udp(vm, "198.18.1.102", 100, 800);
    long sent = lab.bytes(vm, "eth0", "tx") - tx0;
    long received = lab.bytes(vm, "eth0", "rx") - rx0;
    assertThat(sent).isGreaterThan(100 * 800);
    assertThat(lab.bytes(counter, "eth0", "rx") - standIn0).isBetween(sent - 200, sent + 200);
    assertThat(lab.bytes(sensor, "eth0", "rx") - sensor0)
        .isBetween(sent + received - 200, sent + received + 200);
  }
}
