package io.pvespan.e2e.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.lifecycle.DriverOptions;
import io.pvespan.lab.lifecycle.LifecycleDriver;
import io.pvespan.lab.lifecycle.NicConfig;
import io.pvespan.lab.lifecycle.SequenceResult;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration, in Proxmox's order, back and forth between two nodes each running the real agent
 * process, 200 times (gaps 0/2/20 ms, half with both CPUs busy): the target's tap is created,
 * plugged and rate-limited while the source runs (qemu-server {@code QemuMigrate.pm} phase2), the
 * guest resumes on the target, the source tap goes (phase3_cleanup). Both agents hold the guest's
 * entry, as the planner's standby entries give them during {@code lock: migrate}. Each run: no
 * failed Proxmox command, the target mirrors the new tap <em>before</em> the guest resumes there,
 * and after the switchover every frame reaches the target node's sensor and its prio-50 filter.
 */
class MigrationCoexistenceE2E {
  private static final String VM_IP = "198.18.61.101";
  private static final String PEER_IP = "198.18.61.102";
  private static final Path RESULTS = Path.of("target", "coexistence.txt");

  @TempDir Path tmp;
  private CoexistenceNode n1;
  private CoexistenceNode n2;
  private AgentProcess a1;
  private AgentProcess a2;
  private String vm;
  private final ProxmoxCoexistenceE2E.CpuHog hog = new ProxmoxCoexistenceE2E.CpuHog();

  @BeforeEach
  void setUp() throws Exception {
    n1 = new CoexistenceNode();
    n2 = new CoexistenceNode();
    n1.joinLan(n2);
    vm = n1.guest("vm101");
    String peer = n1.guest("vm102");
    LifecycleDriver d = new LifecycleDriver(DriverOptions.defaults());
    assertThat(
            d.vmStart(n1.node, NicConfig.vm(102, 0, "vmbr0", "BC:24:11:00:02:02"), peer)
                .succeeded())
        .isTrue();
    n1.address(peer, "eth0", PEER_IP + "/24");
    // One sensor per node, on its isolated bridge, so each node mirrors locally.
    assertThat(d.vmStart(n1.node, sensorNic(900), n1.guest("vm900")).succeeded()).isTrue();
    assertThat(d.vmStart(n2.node, sensorNic(901), n2.guest("vm901")).succeeded()).isTrue();
    Path jar = Path.of(System.getProperty("pvespan.agentJar"));
    a1 = AgentProcess.start(jar, "pve1", n1.node, tmp.resolve("a1"));
    a2 = AgentProcess.start(jar, "pve2", n2.node, tmp.resolve("a2"));
    a1.put(plan("pve1", "tap900i0"));
    a2.put(plan("pve2", "tap901i0"));
  }

  @AfterEach
  void tearDown() throws Exception {
    hog.stop();
    for (AgentProcess a : new AgentProcess[] {a1, a2}) {
      if (a != null) {
        a.close();
      }
    }
    if (n1 != null) {
      n1.close();
    }
    if (n2 != null) {
      n2.close();
    }
  }

  private static NicConfig sensorNic(int vmid) {
    return NicConfig.vm(vmid, 0, "vmbr9", "BC:24:11:00:09:" + (vmid - 900 + 10));
  }

  private static NodeMirrorPlan plan(String node, String sensorTap) {
    MirrorEntry m =
        new MirrorEntry(
            "roam",
            VmId.of(101),
            new NicId(0),
            InterfaceName.of("tap101i0"),
            Direction.BOTH,
            EntryState.WAITING,
            new LocalTarget(InterfaceName.of(sensorTap)),
            List.of(),
            true);
    return NodeMirrorPlan.of(node, 1, List.of(m), List.of(), List.of());
  }

  @Test
  void liveMigrationBackAndForthWithBothAgentsRunning() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01").withRate(100.0);
    CoexistenceTally t = new CoexistenceTally("live migration begin/switchover/finish");
    assertThat(new LifecycleDriver(DriverOptions.defaults()).vmStart(n1.node, nic, vm).succeeded())
        .isTrue();
    n1.address(vm, "eth0", VM_IP + "/24");
    CoexistenceNode here = n1;
    CoexistenceNode there = n2;
    String park = n1.owned("park");
    for (int i = 0; i < ProxmoxCoexistenceE2E.RUNS; i++) {
      if (i % 6 >= 3) {
        hog.start();
      } else {
        hog.stop();
      }
      LifecycleDriver d =
          new LifecycleDriver(
              new DriverOptions(
                  List.of(Duration.ZERO, Duration.ofMillis(2), Duration.ofMillis(20)).get(i % 3),
                  Optional.of(CoexistenceNode.COUNTER),
                  false));
      NicConfig now = nic.withFirewall(i % 2 == 1);
      SequenceResult begin = d.beginMigration(there.node, now, park);
      t.sequence(i, begin);
      if (!begin.succeeded()) {
        break;
      }
      // The paused guest resumes only after the RAM copy: its tap must be mirrored before that.
      long done = CoexistenceTally.plugDone(begin);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      boolean active;
      while (!(active = CoexistenceNode.mirrorActive(there.node, "tap101i0"))
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      if (active) {
        t.plugToActiveMicros.add((System.nanoTime() - done) / 1000);
      } else {
        t.problem(i, "the target " + there.node + " did not mirror the new tap within 5 s");
      }
      List<String> missing = CoexistenceNode.proxmoxRateMissing(there.node, "tap101i0");
      if (!missing.isEmpty()) {
        t.problem(i, "Proxmox's " + missing + " gone from the target tap");
      }
      SequenceResult resumed = d.switchover(vm, park, now);
      t.sequence(i, resumed);
      SequenceResult finished = d.finishMigration(here.node, now, park);
      t.sequence(i, finished);
      if (!resumed.succeeded() || !finished.succeeded()) {
        break;
      }
      if (i % 4 == 0 || i == ProxmoxCoexistenceE2E.RUNS - 1) {
        // After the switchover the guest's frames reach the sensor of the node it runs on now.
        there.frames(t, i, vm, PEER_IP, there.prefix + (there == n1 ? "-vm900" : "-vm901"), true);
      }
      CoexistenceNode swap = here;
      here = there;
      there = swap;
    }
    hog.stop();
    System.out.println("[coexistence] " + t.summary());
    t.appendTo(RESULTS);
    Files.createDirectories(Path.of("target", "e2e-logs"));
    assertThat(t.failedCommands).as("failed Proxmox commands, " + t.summary()).isEmpty();
    assertThat(t.problems).as(t.summary()).isEmpty();
    assertThat(t.sequences).isGreaterThanOrEqualTo(3 * ProxmoxCoexistenceE2E.RUNS);
  }
}
