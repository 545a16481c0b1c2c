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
    awaitMirrors(plan, System.nanoTime(), "the agents applied the plans");

    Optional<LabPlan.Placed> local = pick(plan, true);
    Optional<LabPlan.Placed> cross = pick(plan, false);
    local.ifPresentOrElse(p -> traffic(plan, p, "local"), () -> say("no local session to show"));
    cross.ifPresentOrElse(
        p -> traffic(plan, p, "cross-node"), () -> say("no cross-node session to show"));

    Optional<LabPlan.Placed> moving = local.or(() -> cross);
    if (moving.isPresent()) {
      new DemoLifecycle(cluster, new LabLifecycle(cluster, inventory), plan, moving.get(), out)
          .run(peer(plan, moving.get().entry().vmid().value(), moving.get().sensorDevice()));
    }
    say("./pvespan status:");
    cluster.statusText().lines().forEach(l -> out.println("    " + l));
  }

  private void traffic(LabPlan plan, LabPlan.Placed source, String what) {
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
    Map<String, MirrorMeter.Reading> readings =
        MirrorMeter.transfer(lab, counted, vmid, peer, BYTES);
    for (MirrorMeter.Reading r : readings.values()) {
      if (r.expected() == 0 && r.seen() == 0) {
        continue;
      }
      say(
          String.format(
              "  sensor %s: bytes sent by the mirrored VMs %,d, seen at the sensor %,d (%.2f%%)",
              r.sensorDevice(),
              r.expected(),
              r.seen(),
              r.expected() == 0 ? 0.0 : 100.0 * r.seen() / r.expected()));
    }
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
