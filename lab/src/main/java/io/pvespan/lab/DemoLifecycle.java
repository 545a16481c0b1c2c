package io.pvespan.lab;

import io.pvespan.lab.LabLifecycle.NicRef;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's lifecycle part: a VM stopped and started again, then live-migrated away from its
 * sensor's node and back, each replayed by {@link LabLifecycle} in Proxmox's order while traffic
 * runs; per phase, bytes the guest sent and received, bytes at the sensor and the bytes no mirror
 * delivered. Nothing waits for pvespan between two Proxmox steps.
 */
final class DemoLifecycle {
  private static final Pattern GUEST_DEVICE = Pattern.compile("(?:tap|veth)(\\d+)i(\\d+)");
  private static final Duration RAM_COPY = Duration.ofSeconds(2);
  private static final long RATE = 20_000_000;
  private static final Duration BOOT = Duration.ofSeconds(2);

  private final LabCluster cluster;
  private final LabLifecycle life;
  private final PrintStream out;
  private final int vmid;
  private final String home;
  private final String away;
  private final NicRef sensor;
  private final LabPlan plan;
  private final List<SensorLedger.Source> sources = new ArrayList<>();

  DemoLifecycle(
      LabCluster cluster, LabLifecycle life, LabPlan plan, LabPlan.Placed moving, PrintStream out) {
    this.cluster = cluster;
    this.life = life;
    this.out = out;
    this.vmid = moving.entry().vmid().value();
    this.home = moving.node();
    this.away =
        cluster.lab().topology().nodes().stream()
            .map(LabNode::name)
            .filter(n -> !n.equals(home) && !n.equals(moving.sensorNode()))
            .findFirst()
            .orElseThrow();
    this.sensor = ref(moving.sensorDevice());
    this.plan = plan;
    // Everything the plan sends to that sensor: other guests' copies (a broadcast they receive)
    // arrive there too. Sessions with filter rules are left out: the traffic matches none.
    for (LabPlan.Placed p : plan.countableMirrors()) {
      if (moving.sensorDevice().equals(p.sensorDevice())) {
        sources.add(
            new SensorLedger.Source(
                new NicRef(p.entry().vmid().value(), p.entry().nic().index()),
                p.entry().direction()));
      }
    }
  }

  void run(int peer) {
    vmStart(peer);
    migration(peer);
  }

  private void vmStart(int peer) {
    say("VM start: vm" + vmid + " stopped, then started by the lifecycle driver (qm start order)");
    print(life.stop(vmid));
    SensorLedger ledger = ledger();
    LifecycleRun start = life.start(vmid);
    print(start);
    // QEMU plugs the tap before the firmware runs: a real guest sends its first frame seconds
    // later. The lab's guest boots for BOOT, whatever pvespan does meanwhile; how long the mirror
    // took is measured, not waited for.
    long plugged =
        start.deviceCreatedNanos("tap" + vmid + "i0").orElse(start.steps().get(0).endNanos());
    long bootEnd = System.nanoTime() + BOOT.toNanos();
    List<LabPlan.Placed> want =
        plan.activeMirrors().stream().filter(p -> p.entry().vmid().value() == vmid).toList();
    Duration mirrored =
        Await.timed(BOOT, () -> KernelChecks.missing(cluster.lab(), want).isEmpty());
    say(
        mirrored == null
            ? "  the guest's mirrors were NOT all in the kernel when it finished booting"
            : String.format(
                "  all %d mirrors of vm%d in the kernel %d ms after its tap was created",
                want.size(), vmid, (System.nanoTime() - plugged) / 1_000_000));
    pause(Math.max(0, (bootEnd - System.nanoTime()) / 1_000_000));
    say("  the guest booted (" + BOOT.toMillis() + " ms) and talks");
    Traffic t = Traffic.start(cluster.lab(), vmid, peer, 5202, Duration.ofSeconds(3), RATE);
    t.await(Duration.ofSeconds(30));
    ledger.markSettled("first 3 s of traffic");
    report(ledger);
  }

  private void migration(int peer) {
    say(
        String.format(
            "live migration: vm%d %s -> %s and back, in Proxmox's order (lock, target tap, %d s RAM"
                + " copy, node flip, resume, source tap gone, unlock), vm%d <-> vm%d traffic"
                + " running",
            vmid, home, away, RAM_COPY.toSeconds(), vmid, peer));
    SensorLedger ledger = ledger();
    Traffic t = Traffic.start(cluster.lab(), vmid, peer, 5203, Duration.ofSeconds(11), RATE);
    pause(1500);
    ledger.mark("before, on " + home);
    migrate(ledger, away);
    pause(1500);
    ledger.mark("on " + away);
    migrate(ledger, home);
    t.await(Duration.ofSeconds(30));
    ledger.markSettled("after, back on " + home);
    report(ledger);
  }

  private void migrate(SensorLedger ledger, String to) {
    String from = cluster.lab().vm(vmid).node();
    LifecycleRun run =
        life.liveMigrate(
            vmid,
            to,
            RAM_COPY,
            phase ->
                ledger.mark(
                    switch (phase) {
                      case TARGET_READY -> from + "->" + to + " lock, target tap";
                      case RESUMED -> from + "->" + to + " copy, flip, resume";
                    }));
    ledger.mark(from + "->" + to + " source gone, unlock");
    print(run);
    KernelView.mirrors(cluster.lab().topology().nodeNs(to), "tap" + vmid + "i0")
        .forEach(m -> say("    " + to + " kernel: " + m));
  }

  private SensorLedger ledger() {
    return new SensorLedger(life, sources, new NicRef(vmid, 0), sensor);
  }

  private void report(SensorLedger ledger) {
    for (SensorLedger.Phase p : ledger.phases()) {
      say(
          String.format(
              "  %-32s vm%d sent+received %,11d B | at the sensor %,11d B%s of %,11d B mirrored"
                  + " | unmirrored bytes: %,d%s",
              p.name(),
              vmid,
              p.guestBytes(),
              p.seen(),
              split(p),
              p.expected(),
              Math.max(0, p.unmirrored()),
              extra(p)));
    }
    SensorLedger.Phase total = ledger.total();
    say(
        String.format(
            "  total: vm%d sent+received %,d B; the sensor got %,d B%s of %,d B; unmirrored bytes:"
                + " %,d%s%s",
            vmid,
            total.guestBytes(),
            total.seen(),
            split(total),
            total.expected(),
            Math.max(0, total.unmirrored()),
            extra(total),
            total.unmirrored() == 0
                ? ""
                : total.unmirrored() > 0
                    ? "  <- copies were LOST (see the agents' logs)"
                    : "  <- the sensor got MORE than the guests counted: most likely copies of"
                        + " frames the bridge still sent to the source tap after the guest left"
                        + " it (mirrored, never received; TCP sent them again)"));
  }

  /**
   * Header bytes from re-segmenting on the way (split through a tunnel, merged by GRO behind it):
   * neither extra nor lost copies.
   */
  private static String split(SensorLedger.Phase p) {
    return p.splitHeaders() == 0 ? "" : String.format(" (%+,d B headers)", p.splitHeaders());
  }

  /**
   * Copies beyond what the guest counted: frames the bridge still sent to the source tap around the
   * switchover (mirrored there, never received by the paused source; TCP sends them again), or
   * copies still in flight at a phase boundary, counted in the next phase.
   */
  private static String extra(SensorLedger.Phase p) {
    return p.unmirrored() < 0 ? String.format(" (+ %,d B extra copies)", -p.unmirrored()) : "";
  }

  private void print(LifecycleRun run) {
    say("  " + run.operation() + (run.succeeded() ? "" : ": FAILED " + run.failures()));
    run.timeline().forEach(l -> say("    " + l));
  }

  private static NicRef ref(String device) {
    Matcher m = GUEST_DEVICE.matcher(device);
    if (!m.matches()) {
      throw new LabException("sensor device " + device + " is not a guest device");
    }
    return new NicRef(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  private void say(String line) {
    out.println("[demo] " + line);
  }
}
