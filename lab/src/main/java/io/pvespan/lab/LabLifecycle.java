package io.pvespan.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.lab.lifecycle.DriverOptions;
import io.pvespan.lab.lifecycle.GuestKind;
import io.pvespan.lab.lifecycle.LifecycleDriver;
import io.pvespan.lab.lifecycle.NicConfig;
import io.pvespan.lab.lifecycle.SequenceResult;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Proxmox's guest lifecycle in the lab, in Proxmox's order and timing: the {@link LifecycleDriver}
 * runs Proxmox's host-side commands on the node namespaces while the Proxmox API stand-in's {@code
 * /cluster/resources} and guest configs follow the same timeline. Nothing waits for pvespan between
 * two steps: a step runs when Proxmox would run it, whatever the agents and the controller have
 * done by then. See {@code test-fixtures/lab/README.md} ("Proxmox's lifecycle") for which real
 * event each step stands for.
 *
 * <p>Keeps its own copy of the inventory the stand-in serves ({@link #inventory}); change the
 * stand-in through this class only. One operation at a time (Proxmox's config lock).
 */
public final class LabLifecycle {
  /** A guest NIC: {@code net<index>} of guest {@code vmid}. */
  public record NicRef(int vmid, int index) {
    @Override
    public String toString() {
      return vmid + "/net" + index;
    }
  }

  /** Called at the phase boundaries of a live migration, on the migrating thread. */
  @FunctionalInterface
  public interface Observer {
    void at(Phase phase);
  }

  /** Boundaries of a live migration a caller may want to measure at. */
  public enum Phase {
    /** The target's taps exist, plugged and rate-limited; the guest still runs on the source. */
    TARGET_READY,
    /** The guest resumed on the target; the source's taps still exist. */
    RESUMED,
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LabCluster cluster;
  private final Lab lab;
  private final LifecycleDriver driver;
  private final GuestCounters counters;
  private Inventory inventory;

  /** {@code inventory}: what the stand-in serves now (the one the cluster was started with). */
  public LabLifecycle(LabCluster cluster, Inventory inventory) {
    this.cluster = cluster;
    this.lab = cluster.lab();
    // Proxmox's Perl spends a few ms between two run_command calls.
    this.driver = new LifecycleDriver(DriverOptions.defaults().withGap(Duration.ofMillis(2)));
    this.counters = new GuestCounters(lab.topology());
    this.inventory = inventory;
  }

  /** The inventory the stand-in serves now. */
  public synchronized Inventory inventory() {
    return inventory;
  }

  /**
   * The NICs' bytes since the lab started, across live migrations and restarts (see {@link
   * GuestCounters}), read at one instant. Put sensors last.
   */
  public Map<NicRef, LinkCounters> counters(List<NicRef> nics) {
    return counters.read(nics);
  }

  /**
   * Live migration (qemu-server {@code QemuMigrate.pm}): {@code lock: migrate} on the source;
   * {@code qm start --migratedfrom} on the target (its taps created, bridged, rate-limited, the
   * guest paused); the RAM copy ({@code ramCopy}); the config moves to the target (the node flips,
   * still locked); the guest resumes there at once; the source QEMU quits (its taps go); the lock
   * is cleared. A failed sequence ends the run there (the lock is cleared).
   */
  public synchronized LifecycleRun liveMigrate(
      int vmid, String target, Duration ramCopy, Observer observer) {
    Guest g = guest(vmid);
    if (g.type() != GuestType.QEMU) {
      throw new IllegalArgumentException("vm " + vmid + ": containers migrate by restart");
    }
    String source = g.node();
    String srcNs = lab.topology().nodeNs(source);
    String dstNs = lab.topology().nodeNs(target);
    String vmNs = lab.topology().vmNs(vmid);
    List<NicConfig> nics = g.nics().stream().map(n -> nicConfig(g, n, kernelMac(vmid, n))).toList();
    Steps s = new Steps("live migration vm" + vmid + " " + source + " -> " + target);

    s.api("lock: migrate on " + source, () -> setLock(vmid, "migrate"));
    for (NicConfig nic : nics) {
      if (!s.proxmox(
          "qm start --migratedfrom on " + target + ": " + nic.hostDevice(),
          () -> driver.beginMigration(dstNs, nic, park(vmid, nic)))) {
        s.api("unlock (migration failed)", () -> setLock(vmid, null));
        return s.run();
      }
    }
    List<LinkCounters> successorStart = new ArrayList<>();
    s.lab(
        lab.guestOffloads() ? "the new devices' counters" : "offloads off on the new devices",
        () -> {
          for (NicConfig nic : nics) {
            lab.guestDeviceOffloads(dstNs, nic.hostDevice());
            lab.guestDeviceOffloads(park(vmid, nic), nic.guestDevice());
            successorStart.add(LinkCounters.read(park(vmid, nic), nic.guestDevice()));
          }
        });
    observer.at(Phase.TARGET_READY);
    s.lab("RAM copy", () -> sleep(ramCopy));
    s.api("config moved to " + target + " (node flips)", () -> move(vmid, target, true));
    List<Boolean> resumed = new ArrayList<>();
    counters.exclusive(
        () -> {
          for (NicConfig nic : nics) {
            resumed.add(
                s.proxmox(
                    "qm resume on " + target + ": " + nic.guestDevice(),
                    () -> driver.switchover(vmNs, park(vmid, nic), nic)));
          }
          s.lab(
              "the guest's NIC state carries over",
              () -> {
                for (int i = 0; i < nics.size(); i++) {
                  NicConfig nic = nics.get(i);
                  if (isCapture(vmid, nic.index())) {
                    LabBuilder.ip(vmNs, "link", "set", nic.guestDevice(), "promisc", "on");
                  }
                  counters.retire(
                      new NicRef(vmid, nic.index()),
                      LinkCounters.read(park(vmid, nic), "pvlcout" + nic.index()),
                      successorStart.get(i));
                }
              });
        });
    lab.relocate(vmid, target);
    if (resumed.contains(false)) {
      s.api("unlock (migration failed)", () -> setLock(vmid, null));
      return s.run();
    }
    observer.at(Phase.RESUMED);
    for (NicConfig nic : nics) {
      s.proxmox(
          "source QEMU quits on " + source + ": " + nic.hostDevice(),
          () -> driver.finishMigration(srcNs, nic, park(vmid, nic)));
    }
    s.api("unlock", () -> setLock(vmid, null));
    return s.run();
  }

  /** VM or container start ({@code qm start} / {@code pct start}) on its node; then running. */
  public synchronized LifecycleRun start(int vmid) {
    Guest g = guest(vmid);
    Steps s = new Steps("start vm" + vmid + " on " + g.node());
    plugAll(s, g);
    s.api("status: running", () -> setStatus(vmid, "running"));
    return s.run();
  }

  /** VM or container stop on its node (QEMU quits, its taps go); then stopped. */
  public synchronized LifecycleRun stop(int vmid) {
    Guest g = guest(vmid);
    String ns = lab.topology().nodeNs(g.node());
    Steps s = new Steps("stop vm" + vmid + " on " + g.node());
    retireAll(g);
    for (GuestNic n : g.nics()) {
      NicConfig nic = nicConfig(g, n, n.mac());
      s.proxmox(
          (g.type() == GuestType.QEMU ? "qm stop: " : "pct stop: ") + nic.hostDevice(),
          () -> g.type() == GuestType.QEMU ? driver.vmStop(ns, nic) : driver.ctStop(ns, nic));
    }
    s.api("status: stopped", () -> setStatus(vmid, "stopped"));
    return s.run();
  }

  /**
   * {@code qm set VMID --netN ...} on a running guest: the new NIC is in the config first (the
   * config API answers pending values), then it is hot-plugged ({@code pve-bridge-hotplug}).
   */
  public synchronized LifecycleRun hotplug(int vmid, GuestNic nic) {
    Guest g = guest(vmid);
    String ns = lab.topology().nodeNs(g.node());
    NicConfig cfg = nicConfig(g, nic, nic.mac());
    Steps s = new Steps("hotplug vm" + vmid + " " + nic.id());
    s.api("config: " + nic.id() + " added", () -> setNic(vmid, nic));
    if (s.proxmox(
        "hotplug " + cfg.hostDevice(),
        () ->
            g.type() == GuestType.QEMU
                ? driver.nicHotplug(ns, cfg, lab.topology().vmNs(vmid))
                : driver.ctHotplug(ns, cfg, lab.topology().vmNs(vmid)))) {
      if (!lab.guestOffloads()) {
        s.lab("offloads off on the new devices", () -> offloadsOff(vmid, cfg));
      }
    }
    return s.run();
  }

  /**
   * {@code qm set VMID --netN ...,rate=R} on a running guest, only the rate changed: the config,
   * then {@code tap_rate_limit} alone. {@code rateMBps} null removes the limit.
   */
  public synchronized LifecycleRun rateChange(int vmid, int index, Double rateMBps) {
    Guest g = guest(vmid);
    GuestNic old = g.nic(new NicId(index));
    GuestNic changed =
        new GuestNic(
            old.id(), old.bridge(), old.mac(), old.firewall(), rateMBps, old.mtu(), old.tag());
    NicConfig cfg = nicConfig(g, changed, kernelMac(vmid, changed));
    Steps s = new Steps("rate change vm" + vmid + " net" + index + " rate=" + rateMBps);
    s.api("config: net" + index + " rate=" + rateMBps, () -> setNic(vmid, changed));
    s.proxmox(
        "tap_rate_limit " + cfg.hostDevice(),
        () -> driver.rateChange(lab.topology().nodeNs(g.node()), cfg));
    return s.run();
  }

  /**
   * HA recovery after a node failure: the node goes offline (its guests' devices with it), the HA
   * manager fences it ({@code fence}), moves the guest's config to {@code target} without any lock
   * and starts it there.
   */
  public synchronized LifecycleRun haRecover(int vmid, String target, Duration fence) {
    Guest g = guest(vmid);
    String failed = g.node();
    Steps s = new Steps("HA recovery vm" + vmid + " " + failed + " -> " + target);
    s.api(failed + " offline", () -> setNodeOnline(failed, false));
    s.lab(
        failed + " is gone, with the guest's devices",
        () -> {
          retireAll(g);
          for (GuestNic n : g.nics()) {
            LabBuilder.ip(lab.topology().nodeNs(failed), "link", "del", g.device(n.id()).value());
          }
        });
    s.lab("fencing", () -> sleep(fence));
    s.api(
        "config moved to " + target + " (stopped)",
        () -> {
          setStatus(vmid, "stopped");
          move(vmid, target, false);
        });
    lab.relocate(vmid, target);
    plugAll(s, guest(vmid));
    s.api("status: running", () -> setStatus(vmid, "running"));
    return s.run();
  }

  // --- the guest's devices ---

  private void plugAll(Steps s, Guest g) {
    String ns = lab.topology().nodeNs(g.node());
    String vmNs = lab.topology().vmNs(g.vmid().value());
    for (GuestNic n : g.nics()) {
      NicConfig nic = nicConfig(g, n, n.mac());
      boolean ok =
          s.proxmox(
              (g.type() == GuestType.QEMU ? "qm start: " : "pct start: ") + nic.hostDevice(),
              () ->
                  g.type() == GuestType.QEMU
                      ? driver.vmStart(ns, nic, vmNs)
                      : driver.ctStart(ns, nic, vmNs));
      if (ok) {
        s.lab("the guest configures " + nic.guestDevice(), () -> guestSetup(g, nic));
      }
    }
  }

  /** Offloads off (the lab's rule, unless kept on), then what the guest's OS does. */
  private void guestSetup(Guest g, NicConfig nic) {
    int vmid = g.vmid().value();
    offloadsOff(vmid, nic);
    String vmNs = lab.topology().vmNs(vmid);
    if (isCapture(vmid, nic.index())) {
      LabBuilder.ip(vmNs, "link", "set", nic.guestDevice(), "promisc", "on");
      return;
    }
    String address = lab.vm(vmid).address(nic.index());
    if (address != null) {
      LabBuilder.ip(vmNs, "addr", "add", address + "/16", "dev", nic.guestDevice());
    }
  }

  private void offloadsOff(int vmid, NicConfig nic) {
    Guest g = guest(vmid);
    lab.guestDeviceOffloads(lab.topology().nodeNs(g.node()), nic.hostDevice());
    lab.guestDeviceOffloads(lab.topology().vmNs(vmid), nic.guestDevice());
  }

  /** The guest's devices are about to go: what they counted is kept. */
  private void retireAll(Guest g) {
    counters.exclusive(
        () -> {
          for (GuestNic n : g.nics()) {
            String vmNs = lab.topology().vmNs(g.vmid().value());
            try {
              LinkCounters last = LinkCounters.read(vmNs, "eth" + n.id().index());
              counters.retire(new NicRef(g.vmid().value(), n.id().index()), last, null);
            } catch (LabException absent) {
              // No such device (never plugged): nothing counted.
            }
          }
        });
  }

  private boolean isCapture(int vmid, int index) {
    return lab.vm(vmid).nics().stream().anyMatch(n -> n.index() == index && n.capture());
  }

  private String park(int vmid, NicConfig nic) {
    return lab.topology().prefix() + "-park" + vmid + "n" + nic.index();
  }

  /** The MAC the guest's NIC has now: a live migration keeps it. */
  private String kernelMac(int vmid, GuestNic n) {
    String out =
        Exec.run(
            Exec.IP,
            "-n",
            lab.topology().vmNs(vmid),
            "-j",
            "link",
            "show",
            "dev",
            "eth" + n.id().index());
    try {
      return JSON.readTree(out).path(0).path("address").asText().toUpperCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      throw new LabException("unreadable ip -j output: " + out, e);
    }
  }

  private static NicConfig nicConfig(Guest g, GuestNic n, String mac) {
    return new NicConfig(
        g.type() == GuestType.QEMU ? GuestKind.QEMU : GuestKind.LXC,
        g.vmid().value(),
        n.id().index(),
        n.bridge(),
        n.tag(),
        n.firewall(),
        n.rate(),
        n.mtu(),
        mac);
  }

  // --- the stand-in, and our copy of what it serves ---

  private Guest guest(int vmid) {
    return inventory.guests().stream()
        .filter(g -> g.vmid().value() == vmid)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no guest " + vmid + " in the inventory"));
  }

  private void setLock(int vmid, String lock) {
    cluster.setLock(vmid, lock);
    inventory =
        InventoryEdits.guest(
            inventory, vmid, g -> InventoryEdits.with(g, g.node(), g.status(), lock, g.nics()));
  }

  private void setStatus(int vmid, String status) {
    cluster.setStatus(vmid, status);
    inventory =
        InventoryEdits.guest(
            inventory, vmid, g -> InventoryEdits.with(g, g.node(), status, g.lock(), g.nics()));
  }

  private void move(int vmid, String node, boolean keepLock) {
    cluster.moveGuest(vmid, node, keepLock);
    inventory =
        InventoryEdits.guest(
            inventory,
            vmid,
            g -> InventoryEdits.with(g, node, g.status(), keepLock ? g.lock() : null, g.nics()));
  }

  private void setNic(int vmid, GuestNic nic) {
    cluster.setNic(vmid, nic);
    inventory = InventoryEdits.guest(inventory, vmid, g -> InventoryEdits.withNic(g, nic));
  }

  private void setNodeOnline(String node, boolean online) {
    cluster.setNodeOnline(node, online);
    inventory = InventoryEdits.nodeOnline(inventory, node, online);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  /** Records steps with their times. */
  private static final class Steps {
    private final String operation;
    private final List<LifecycleRun.Step> steps = new ArrayList<>();

    Steps(String operation) {
      this.operation = operation;
    }

    boolean proxmox(String name, Supplier<SequenceResult> sequence) {
      long start = System.nanoTime();
      SequenceResult r = sequence.get();
      steps.add(
          new LifecycleRun.Step(LifecycleRun.Kind.PROXMOX, name, start, System.nanoTime(), r));
      return r.succeeded();
    }

    void api(String name, Runnable change) {
      timed(LifecycleRun.Kind.API, name, change);
    }

    void lab(String name, Runnable step) {
      timed(LifecycleRun.Kind.LAB, name, step);
    }

    private void timed(LifecycleRun.Kind kind, String name, Runnable r) {
      long start = System.nanoTime();
      r.run();
      steps.add(new LifecycleRun.Step(kind, name, start, System.nanoTime(), null));
    }

    LifecycleRun run() {
      return new LifecycleRun(operation, steps);
    }
  }
}
