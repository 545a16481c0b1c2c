package io.pvespan.lab;

import io.pvespan.inventory.Inventory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./pvespan demo} shows once the lab and pvespan run: the planned mirrors, traffic for
 * a local and a cross-node session with bytes sent against bytes at the sensor, a VM start and a
 * live migration there and back replayed in Proxmox's order ({@link DemoLifecycle}), and the
 * controller's status. The scenario runs in the demo's own process (root namespace) and reaches
 * into the lab through {@code ip netns exec} (kernel reads, curl, {@code ./pvespan status}).
 */
public final class DemoScenario {
  private static final long BYTES = 4_000_000;

  private final LabCluster cluster;
  private final Lab lab;
  private final PrintStream out;
  private final Path specs;
  private Inventory inventory;
  private List<LabCollector> collectors = List.of();

  public DemoScenario(LabCluster cluster, Inventory inventory, PrintStream out) {
    this.cluster = cluster;
    this.lab = cluster.lab();
    this.inventory = inventory;
    this.out = out;
    this.specs = cluster.options().specsDir();
  }

  public void run() {
    LabPlan plan = cluster.plan(inventory);
    say("planned mirrors (" + specs + "):");
    plan.mirrors().forEach(p -> say("  " + p));
    plan.result().warnings().forEach(w -> say("  warning: " + w));
    collectors = LabCollector.forPlan(lab, plan);
    collectors.forEach(
        c ->
            say(
                String.format(
                    "external collector: namespace %s at %s on the underlay, decapsulating with"
                        + " Linux vxlan device %s (VNI %d, UDP 4789, MTU %d)",
                    c.ns(), c.address(), c.device(), c.vni(), LabCollector.MTU)));
    say(
        lab.guestOffloads()
            ? "guest NICs keep their offloads (TSO/GSO on, as virtio guests have them): bytes"
                + " compare, frames do not"
            : "guest NICs have offloads off");
    awaitMirrors(plan, System.nanoTime(), "the agents applied the plans");

    Optional<LabPlan.Placed> local = pick(plan, true);
    Optional<LabPlan.Placed> cross = pick(plan, false);
    local.ifPresentOrElse(
        p -> traffic(plan, p, "local", true), () -> say("no local session to show"));
    cross.ifPresentOrElse(
        p -> traffic(plan, p, "cross-node", false), () -> say("no cross-node session to show"));

    Optional<LabPlan.Placed> moving = local.or(() -> cross);
    if (moving.isPresent()) {
      new DemoLifecycle(cluster, new LabLifecycle(cluster, inventory), plan, moving.get(), out)
          .run(peer(plan, moving.get().entry().vmid().value(), moving.get().sensorDevice()));
    }
    say("./pvespan status:");
    cluster.statusText().lines().forEach(l -> out.println("    " + l));
  }

  private void traffic(LabPlan plan, LabPlan.Placed source, String what, boolean capture) {
    int vmid = source.entry().vmid().value();
    int peer = peer(plan, vmid, source.sensorDevice());
    say(
        String.format(
            "traffic (%s session %s): vm%d on %s -> vm%d on %s, %d bytes with iperf3",
            what,
            source.entry().session(),
            vmid,
            lab.vm(vmid).node(),
            peer,
            lab.vm(peer).node(),
            BYTES));
    Map<String, String> failed = cluster.failedEntries();
    List<LabPlan.Placed> counted =
        plan.countableMirrors().stream().filter(p -> !failed.containsKey(key(p))).toList();
    List<SensorCapture> captures = capture ? startCaptures(counted) : List.of();
    Map<String, MirrorMeter.Reading> readings;
    try {
      readings = MirrorMeter.transfer(lab, counted, collectors, vmid, peer, BYTES);
    } finally {
      // Stopped before anything is printed; read back after the byte counts.
      captures.forEach(SensorCapture::halt);
    }
    for (MirrorMeter.Reading r : readings.values()) {
      if (r.expected() == 0 && r.seen() == 0) {
        continue;
      }
      say(
          String.format(
              "  %s: mirrored %,d B in %,d frames; seen %,d B in %,d frames%s; unmirrored bytes:"
                  + " %,d%s",
              r.sensorDevice().startsWith(lab.topology().prefix())
                  ? "collector " + r.sensorDevice()
                  : "sensor " + r.sensorDevice(),
              r.expected(),
              r.expectedFrames(),
              r.seen(),
              r.seenFrames(),
              r.splitHeaders() == 0
                  ? ""
                  : r.splitHeaders() > 0
                      ? String.format(
                          " (%,d B more headers: GSO super-frames split on the way)",
                          r.splitHeaders())
                      : String.format(
                          " (%,d B fewer headers: segments merged by GRO on the way)",
                          -r.splitHeaders()),
              Math.max(0, r.unmirrored()),
              r.unmirrored() < 0 ? String.format(" (+ %,d B extra)", -r.unmirrored()) : ""));
    }
    captures.forEach(this::show);
  }

  /**
   * tcpdump on every sensor NIC and collector device the counted mirrors deliver to, while the
   * transfer runs.
   */
  private List<SensorCapture> startCaptures(List<LabPlan.Placed> counted) {
    Path dir = cluster.options().workDir().resolve("captures");
    List<SensorCapture> all = new java.util.ArrayList<>();
    counted.stream()
        .map(LabPlan.Placed::sensorDevice)
        .filter(java.util.Objects::nonNull)
        .distinct()
        .sorted()
        .forEach(
            device -> {
              java.util.regex.Matcher m =
                  java.util.regex.Pattern.compile("(?:tap|veth)(\\d+)i(\\d+)").matcher(device);
              if (m.matches()) {
                int vm = Integer.parseInt(m.group(1));
                List<LabPlan.Placed> into =
                    counted.stream().filter(p -> device.equals(p.sensorDevice())).toList();
                boolean local = into.stream().anyMatch(p -> p.node().equals(p.sensorNode()));
                boolean tunnel = into.stream().anyMatch(p -> !p.node().equals(p.sensorNode()));
                String how =
                    local && tunnel
                        ? "local mirrors and VXLAN"
                        : local ? "local mirrors" : "mirrors through VXLAN";
                all.add(
                    SensorCapture.start(
                        lab,
                        lab.topology().vmNs(vm),
                        "eth" + m.group(2),
                        "sensor vm" + vm + " eth" + m.group(2) + " (" + device + ", " + how + ")",
                        dir));
              }
            });
    for (LabCollector c : collectors) {
      all.add(
          SensorCapture.start(
              lab, c.ns(), c.device(), "collector " + c.address() + " " + c.device(), dir));
    }
    return all;
  }

  private void show(SensorCapture capture) {
    SensorCapture.Summary s = capture.read(5);
    say(
        String.format(
            "what %s sees: %,d frames, the largest %,d B; %,d of %,d TCP frames with a checksum"
                + " tcpdump calls incorrect (partial: offloaded, never filled in)",
            s.what(), s.frames(), s.largest(), s.badChecksums(), s.tcpFrames()));
    s.first().forEach(l -> out.println("      " + l));
  }

  /** A running, unfiltered source on net0 whose sensor is in the lab, local or not. */
  private Optional<LabPlan.Placed> pick(LabPlan plan, boolean local) {
    return plan.countableMirrors().stream()
        .filter(p -> p.sensorNode() != null && p.entry().nic().index() == 0)
        .filter(p -> local == p.node().equals(p.sensorNode()))
        .filter(p -> hasVm(p.entry().vmid().value()))
        .min(Comparator.comparing(p -> p.entry().vmid()));
  }

  /** A VM to talk to, preferably one whose traffic no session sends to the same sensor. */
  private int peer(LabPlan plan, int vmid, String sensorDevice) {
    List<Integer> candidates =
        lab.topology().vms().stream()
            .filter(v -> v.vmid() != vmid && v.address(0) != null)
            .map(LabVm::vmid)
            .toList();
    return candidates.stream()
        .filter(
            c -> plan.mirrorsOf(c).stream().noneMatch(p -> sensorDevice.equals(p.sensorDevice())))
        .findFirst()
        .orElse(candidates.get(0));
  }

  private boolean hasVm(int vmid) {
    return lab.topology().vms().stream().anyMatch(v -> v.vmid() == vmid);
  }

  /**
   * Waits until the plan's mirrors are in the kernel; says how long it took since {@code start}.
   */
  private void awaitMirrors(LabPlan plan, long start, String what) {
    Duration timeout = cluster.options().pollInterval().multipliedBy(2).plusSeconds(20);
    List<LabPlan.Placed> want =
        plan.activeMirrors().stream().filter(p -> hasVm(p.entry().vmid().value())).toList();
    // Entries an agent reports failed (with its reason) are shown, not waited for.
    var failed = new java.util.concurrent.atomic.AtomicReference<Map<String, String>>(Map.of());
    java.util.function.Supplier<List<String>> missing =
        () ->
            KernelChecks.missing(
                lab, want.stream().filter(p -> !failed.get().containsKey(key(p))).toList());
    boolean done =
        Await.until(
            timeout,
            () -> {
              if (missing.get().isEmpty()) {
                return true;
              }
              failed.set(cluster.failedEntries());
              return false;
            });
    failed.get().forEach((entry, why) -> say("  agent reports " + entry + " failed: " + why));
    if (!done) {
      // Show what is wrong and go on: the demo is for seeing, the E2E tests are for failing.
      say(
          String.format(
              "%s: NOT complete after %.1f s; missing in the kernel: %s (see ./pvespan status)",
              what, (System.nanoTime() - start) / 1e9, missing.get()));
      return;
    }
    say(
        String.format(
            "%s: %d mirrors in the kernel %.1f s later",
            what, want.size() - failed.get().size(), (System.nanoTime() - start) / 1e9));
  }

  private static String key(LabPlan.Placed p) {
    return p.node() + "/" + p.entry().session() + "/" + p.entry().device().value();
  }

  private void say(String line) {
    out.println("[demo] " + line);
  }
}
