package io.pvespan.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running lab: network namespaces standing in for Proxmox nodes, VMs, an underlay and a
 * controller host (see {@code test-fixtures/lab/README.md}). Nothing is configured in the root
 * namespace.
 *
 * <p>{@link #up} removes what a crashed run with the same prefix left, builds the lab, and
 * registers a shutdown hook (Ctrl-C) that tears it down; {@link #close} tears it down (idempotent)
 * and kills the processes started with {@link #startIn}. A failed build tears down before it
 * throws. Needs root, {@code /usr/sbin/ip}, {@code ethtool} and {@code sysctl}.
 */
public final class Lab implements AutoCloseable {
  private final LabTopology topology;
  private final LabBuilder builder;
  private final Map<Integer, LabVm> vms = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook;
  private boolean closed;

  private final boolean guestOffloads;

  private Lab(LabTopology topology, boolean guestOffloads) {
    this.topology = topology;
    this.guestOffloads = guestOffloads;
    this.builder = new LabBuilder(topology, guestOffloads);
    topology.vms().forEach(vm -> vms.put(vm.vmid(), vm));
    this.hook = new Thread(this::teardownQuietly, "lab-teardown-" + topology.prefix());
  }

  /**
   * Builds {@code topology} (after removing stale namespaces with its prefix), offloads off on
   * every lab device so that frame and byte counts compare one to one.
   */
  public static Lab up(LabTopology topology) {
    return up(topology, false);
  }

  /**
   * Builds {@code topology}; with {@code guestOffloads} the guests' NICs and their host devices
   * keep TSO/GSO on, as real virtio guests have them (the demo): a mirror then copies GSO
   * super-frames (up to ~64 KB) to a local sensor, and a tunnel delivers them split to the MTU, so
   * only bytes compare. The underlay and the VM LAN uplinks keep offloads off either way.
   */
  public static Lab up(LabTopology topology, boolean guestOffloads) {
    LabPreflight.check();
    LabTeardown.removeAll(topology.prefix());
    Lab lab = new Lab(topology, guestOffloads);
    Runtime.getRuntime().addShutdownHook(lab.hook);
    try {
      lab.builder.build();
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  public LabTopology topology() {
    return topology;
  }

  /** Whether guest NICs keep their offloads (see {@link #up(LabTopology, boolean)}). */
  public boolean guestOffloads() {
    return guestOffloads;
  }

  /** Offloads off on a new guest device, unless this lab keeps guest offloads on. */
  void guestDeviceOffloads(String ns, String device) {
    builder.guestDeviceOffloads(ns, device);
  }

  /**
   * Adds a host outside the cluster on the underlay: namespace {@code prefix-name} (torn down with
   * the lab) with {@code address}/24 on its {@code ul0}. Returns the namespace.
   */
  public synchronized String underlayHost(String name, String address) {
    return builder.underlayHost(name, address);
  }

  /** Where the VM is now (it moves with {@link #migrate}). */
  public synchronized LabVm vm(int vmid) {
    LabVm vm = vms.get(vmid);
    if (vm == null) {
      throw new IllegalArgumentException("no lab vm " + vmid);
    }
    return vm;
  }

  /**
   * Live-migrates the VM's devices to {@code node}: moves each host device into that node's
   * namespace and attaches it to the bridge there. The VM keeps its addresses, as after a real live
   * migration. The stand-in is not told: that is the caller's step.
   */
  public synchronized void migrate(int vmid, String node) {
    topology.node(node);
    LabVm from = vm(vmid);
    if (from.node().equals(node)) {
      return;
    }
    LabVm to = from.on(node);
    builder.moveVm(from, to);
    vms.put(vmid, to);
  }

  /**
   * Records that the VM now runs on {@code node}, its devices there already made by someone else
   * (the lifecycle driver, see {@link LabLifecycle}).
   */
  synchronized void relocate(int vmid, String node) {
    topology.node(node);
    vms.put(vmid, vm(vmid).on(node));
  }

  /** Restarts the VM as Proxmox does: its host devices are deleted and created anew. */
  public synchronized void restart(int vmid) {
    stop(vmid);
    start(vmid);
  }

  /** Deletes the VM's host devices (VM stopped). */
  public synchronized void stop(int vmid) {
    builder.unplugVm(vm(vmid));
  }

  /** Creates the VM's host devices again (VM started). */
  public synchronized void start(int vmid) {
    builder.plugVm(vm(vmid));
  }

  /**
   * Gives every lab guest NIC the MAC its config in {@code inventory} names, as QEMU ({@code
   * virtio=MAC}) and LXC ({@code hwaddr=MAC}) set it on the guest's side, then flushes the guests'
   * neighbour caches. Without it the guests' MACs are random (the lab's default).
   */
  public synchronized void useConfigMacs(io.pvespan.inventory.Inventory inventory) {
    for (io.pvespan.inventory.Guest g : inventory.guests()) {
      LabVm vm = vms.get(g.vmid().value());
      if (vm == null) {
        continue;
      }
      for (io.pvespan.inventory.GuestNic n : g.nics()) {
        LabNic nic =
            vm.nics().stream().filter(x -> x.index() == n.id().index()).findFirst().orElse(null);
        if (nic != null && n.mac() != null) {
          LabBuilder.ip(
              topology.vmNs(vm.vmid()),
              "link",
              "set",
              "dev",
              nic.vmDevice(),
              "address",
              io.pvespan.plan.Exclusion.mac(n.mac()));
        }
      }
    }
    for (LabVm vm : vms.values()) {
      LabBuilder.ip(topology.vmNs(vm.vmid()), "neigh", "flush", "all");
    }
  }

  /** Counters of {@code eth<nic>} inside the VM. */
  public LinkCounters vmCounters(int vmid, int nic) {
    return LinkCounters.read(topology.vmNs(vmid), "eth" + nic);
  }

  /** The VM's address on {@code net<nic>}. */
  public String address(int vmid, int nic) {
    String a = vm(vmid).address(nic);
    if (a == null) {
      throw new IllegalArgumentException("vm " + vmid + " net" + nic + " has no address");
    }
    return a;
  }

  /**
   * Starts {@code argv} inside namespace {@code ns}, output appended to {@code log}; the lab kills
   * it on close. {@code ip netns exec} execs the program, so the process is the program itself.
   */
  public synchronized Process startIn(String ns, List<String> argv, Path log) {
    List<String> all = new ArrayList<>(List.of(Exec.IP, "netns", "exec", ns));
    all.addAll(argv);
    Process p = Exec.start(all, log);
    processes.add(p);
    return p;
  }

  /**
   * Leaves the lab and its processes running after this process exits (no teardown on close or
   * Ctrl-C); {@link LabTeardown#removeAll} removes it later.
   */
  public synchronized void keep() {
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Already shutting down: the hook runs, but close() is now a no-op.
    }
    processes.clear();
  }

  /** Kills the lab's processes and removes every namespace with the prefix. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself (or during shutdown): nothing to unregister.
    }
    teardown();
  }

  private void teardown() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    processes.clear();
    LabTeardown.removeAll(topology.prefix());
  }

  private void teardownQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("lab teardown: " + e.getMessage());
    }
  }
}
