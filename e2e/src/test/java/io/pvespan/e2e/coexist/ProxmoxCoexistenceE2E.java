package io.pvespan.e2e.coexist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.lifecycle.DriverOptions;
import io.pvespan.lab.lifecycle.GuestKind;
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
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent process mirroring guest devices while Proxmox's own sequences (the lifecycle
 * driver: one process per command, in Proxmox's order) plug, re-plug and unplug them, many times,
 * with 0, 2 and 20 ms between commands, half the runs with both CPUs busy. Nothing waits between
 * Proxmox's steps; the test only waits, after a sequence, for the mirror to be back (measuring
 * "plug done → mirror active").
 *
 * <p>Each scenario must end with: 0 failed Proxmox commands (a failed VM start, hotplug or live
 * edit on a real host), the mirror back after every plug, every frame at the police stand-in (prio
 * 50) and at the sensor, and Proxmox's qdiscs, class and filter intact. The police action is
 * missing on this kernel: the driver's stand-in at prio 50 copies into {@code pvctr}, whose
 * counters prove it saw every frame. Latencies go to {@code e2e/target/coexistence.txt}.
 */
class ProxmoxCoexistenceE2E {
  static final int RUNS = Integer.getInteger("pvespan.coexistence.runs", 200);
  private static final Path RESULTS = Path.of("target", "coexistence.txt");
  private static final String VM_IP = "198.18.60.101";
  private static final String CT_IP = "198.18.60.105";
  private static final String PEER_IP = "198.18.60.102";
  private static final Duration[] GAPS = {
    Duration.ZERO, Duration.ofMillis(2), Duration.ofMillis(20)
  };

  @TempDir Path tmp;
  private CoexistenceNode n;
  private AgentProcess agent;
  private String vm;
  private String sensor;
  private long generation;
  private final CpuHog hog = new CpuHog();

  @BeforeEach
  void setUp() throws Exception {
    assertThat(CoexistenceNode.runMayFail("/usr/sbin/ip", "netns", "list"))
        .as("kernel tests need root (network namespaces): run as root, they never skip")
        .isNotNull();
    n = new CoexistenceNode();
    vm = n.guest("vm101");
    String peer = n.guest("vm102");
    sensor = n.guest("vm900");
    LifecycleDriver d = driver(0);
    assertThat(
            d.vmStart(n.node, NicConfig.vm(102, 0, "vmbr0", "BC:24:11:00:01:02"), peer).succeeded())
        .isTrue();
    n.address(peer, "eth0", PEER_IP + "/24");
    assertThat(
            d.vmStart(n.node, NicConfig.vm(900, 0, "vmbr9", "BC:24:11:00:09:00"), sensor)
                .succeeded())
        .isTrue();
    agent =
        AgentProcess.start(
            Path.of(System.getProperty("pvespan.agentJar")), "pve1", n.node, tmp.resolve("agent"));
  }

  @AfterEach
  void tearDown() throws Exception {
    hog.stop();
    try {
      if (agent != null) {
        agent.close();
        Files.copy(
            agent.log(),
            Files.createDirectories(Path.of("target", "e2e-logs"))
                .resolve("coexistence-" + n.prefix + ".log"));
      }
    } finally {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void vmStartAndStopOnAPlainNic() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01");
    push(false, "tap101i0");
    cycles(
        "vm start/stop, no rate",
        new Guest(vm, VM_IP, "tap101i0", false),
        (d, i) -> d.vmStart(n.node, nic, vm),
        (d, i) -> d.vmStop(n.node, nic));
  }

  @Test
  void vmStartAndStopWithRateWithAndWithoutFirewall() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01").withRate(100.0);
    push(true, "tap101i0");
    cycles(
        "vm start/stop, rate, firewall 0/1",
        new Guest(vm, VM_IP, "tap101i0", true),
        (d, i) -> d.vmStart(n.node, nic.withFirewall(i % 2 == 1), vm),
        (d, i) -> d.vmStop(n.node, nic.withFirewall(i % 2 == 1)));
  }

  /** The controller has not read the new NIC's config yet: the plan does not know its rate. */
  @Test
  void nicHotplugAndUnplugWithRateThePlanDoesNotKnow() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01").withRate(100.0);
    push(false, "tap101i0");
    cycles(
        "nic hotplug/unplug, rate unknown to plan",
        new Guest(vm, VM_IP, "tap101i0", true),
        (d, i) -> d.nicHotplug(n.node, nic, vm),
        (d, i) -> d.nicUnplug(n.node, nic));
  }

  @Test
  void liveRateChangesOnOffWhileMirrored() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01");
    push(false, "tap101i0");
    CoexistenceTally t = new CoexistenceTally("live rate change on/off");
    started(t, -1, driver(0).vmStart(n.node, nic, vm), vm, VM_IP, "tap101i0", false);
    for (int i = 0; i < RUNS; i++) {
      boolean on = i % 2 == 0;
      SequenceResult r = driver(i).rateChange(n.node, nic.withRate(on ? 100.0 : null));
      replugged(t, i, r, vm, VM_IP, "tap101i0", on);
    }
    finish(t);
  }

  @Test
  void liveFirewallChangesAndNewTapsWithRate() throws Exception {
    NicConfig nic = NicConfig.vm(101, 0, "vmbr0", "BC:24:11:00:01:01").withRate(100.0);
    push(true, "tap101i0");
    CoexistenceTally t = new CoexistenceTally("live firewall change / nic replace, rate");
    started(t, -1, driver(0).vmStart(n.node, nic, vm), vm, VM_IP, "tap101i0", true);
    for (int i = 0; i < RUNS; i++) {
      LifecycleDriver d = driver(i);
      // unplug + plug on the same tap (firewall toggled), then a new tap (MAC changed)
      nic = nic.withFirewall(!nic.firewall());
      replugged(t, i, d.bridgeChange(n.node, nic), vm, VM_IP, "tap101i0", true);
      nic = nic.withMac(String.format(Locale.ROOT, "BC:24:11:00:%02X:%02X", i / 256, i % 256));
      started(t, i, d.nicReplace(n.node, nic, vm), vm, VM_IP, "tap101i0", true);
    }
    finish(t);
  }

  @Test
  void containerStartAndStopWithRate() throws Exception {
    String ct = n.guest("ct105");
    NicConfig nic =
        NicConfig.vm(105, 0, "vmbr0", "BC:24:11:00:01:05").asKind(GuestKind.LXC).withRate(100.0);
    push(true, "veth105i0");
    cycles(
        "container start/stop, rate",
        new Guest(ct, CT_IP, "veth105i0", true),
        (d, i) -> d.ctStart(n.node, nic, ct),
        (d, i) -> d.ctStop(n.node, nic));
  }

  // --- what every run checks

  /** The guest a scenario plugs: its namespace, address, host device, whether it has rate=. */
  private record Guest(String ns, String ip, String device, boolean rate) {}

  /** A plug or unplug sequence of run {@code i}, run by that run's driver. */
  @FunctionalInterface
  private interface Step {
    SequenceResult run(LifecycleDriver d, int i);
  }

  /** {@link #RUNS} plug/unplug cycles: every plug checked by {@link #started}, then the unplug. */
  private void cycles(String scenario, Guest g, Step plug, Step unplug) throws Exception {
    CoexistenceTally t = new CoexistenceTally(scenario);
    for (int i = 0; i < RUNS; i++) {
      LifecycleDriver d = driver(i);
      started(t, i, plug.run(d, i), g.ns(), g.ip(), g.device(), g.rate());
      t.sequence(i, unplug.run(d, i));
    }
    finish(t);
  }

  private void started(
      CoexistenceTally t,
      int run,
      SequenceResult r,
      String guestNs,
      String ip,
      String dev,
      boolean rate) {
    n.address(guestNs, "eth0", ip + "/24"); // the guest OS configures its NIC
    replugged(t, run, r, guestNs, ip, dev, rate);
  }

  /** After a plug: Proxmox's commands all succeeded, the mirror came back, nothing was lost. */
  private void replugged(
      CoexistenceTally t,
      int run,
      SequenceResult r,
      String guestNs,
      String ip,
      String dev,
      boolean rate) {
    t.sequence(run, r);
    if (!r.succeeded()) {
      return;
    }
    long done = CoexistenceTally.plugDone(r);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!n.mirrorActive(dev)) {
      if (System.nanoTime() > deadline) {
        t.problem(run, "mirror on " + dev + " not back within 5 s after " + r.sequence());
        return;
      }
    }
    if (done > 0 && run >= 0) {
      t.plugToActiveMicros.add((System.nanoTime() - done) / 1000);
    }
    if (rate) {
      List<String> missing = n.proxmoxRateMissing(dev);
      if (!missing.isEmpty()) {
        t.problem(run, "Proxmox's " + missing + " gone from " + dev + " after " + r.sequence());
      }
    }
    if (run < 0 || run % 4 == 0 || run == RUNS - 1) {
      n.frames(t, run, guestNs, PEER_IP, sensor, rate);
    }
  }

  private void finish(CoexistenceTally t) throws Exception {
    hog.stop();
    System.out.println("[coexistence] " + t.summary());
    t.appendTo(RESULTS);
    assertThat(t.failedCommands).as("failed Proxmox commands, " + t.summary()).isEmpty();
    assertThat(t.problems).as(t.summary()).isEmpty();
    assertThat(t.sequences).isGreaterThanOrEqualTo(RUNS);
    // The agent stayed healthy and was not silently failing.
    assertThat(agent.status().entries()).noneMatch(e -> "failed".equals(e.state()));
  }

  // --- plumbing

  /** Run {@code i}: gap 0, 2 or 20 ms; runs 3..5 of every 6 with both CPUs busy. */
  private LifecycleDriver driver(int i) {
    if (i % 6 >= 3) {
      hog.start();
    } else {
      hog.stop();
    }
    return new LifecycleDriver(
        new DriverOptions(GAPS[i % 3], Optional.of(CoexistenceNode.COUNTER), false));
  }

  private void push(boolean rateLimited, String dev) throws Exception {
    String kind = dev.startsWith("veth") ? "veth" : "tap";
    int vmid = Integer.parseInt(dev.substring(kind.length(), dev.indexOf('i', kind.length())));
    MirrorEntry m =
        new MirrorEntry(
            "coexist",
            VmId.of(vmid),
            new NicId(0),
            InterfaceName.of(dev),
            Direction.BOTH,
            EntryState.WAITING,
            new LocalTarget(InterfaceName.of("tap900i0")),
            List.of(),
            rateLimited);
    agent.put(NodeMirrorPlan.of("pve1", ++generation, List.of(m), List.of(), List.of()));
  }

  /** Two spinning threads: both CPUs busy while the platform and the agent race. */
  static final class CpuHog {
    private volatile boolean on;
    private Thread[] threads = new Thread[0];

    synchronized void start() {
      if (on) {
        return;
      }
      on = true;
      threads = new Thread[2];
      for (int i = 0; i < threads.length; i++) {
        threads[i] =
            new Thread(
                () -> {
                  long x = 0;
                  while (on) {
                    x += System.nanoTime() % 7;
                  }
                  if (x == 42) {
                    System.out.print("");
                  }
                },
                "cpu-hog-" + i);
        threads[i].setDaemon(true);
        threads[i].start();
      }
    }

    synchronized void stop() {
      on = false;
      for (Thread t : threads) {
        try {
          t.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      threads = new Thread[0];
    }
  }
}
