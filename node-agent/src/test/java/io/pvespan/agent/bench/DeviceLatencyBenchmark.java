package io.pvespan.agent.bench;

import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.engine.MonitorEvents;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.EntryStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Latency from a tap's creation to its active mirror, with the plan already in place (WAITING
 * entries): {@link MonitorEvents} wakes a minimal converge loop (coalescing: one converge per burst
 * of events). Measured from just before {@code ip link add} to the converge that reports the entry
 * active. The real loop (agent-server side) adds its own coalescing delay on top.
 */
public final class DeviceLatencyBenchmark {
  private DeviceLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    boolean idleFirst = !Boolean.getBoolean("bench.backToBack");
    boolean narrow = !Boolean.getBoolean("bench.fullOnly");
    try (Lab lab = new Lab()) {
      NetnsName node = lab.namespace("lat");
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
          "sp");
      Lab.sh("ip", "-n", node.value(), "link", "set", "tap900i0", "up");
      Duration timeout = Duration.ofSeconds(30);
      KernelFeatures f =
          KernelProbe.probeIn(new ProcessCommandRunner(lab.namespace("lp"), timeout));
      KernelConverger c =
          new KernelConverger(new ProcessCommandRunner(node, timeout), f, Clock.systemUTC());
      List<MirrorEntry> mirrors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int vmid = 2000 + i;
        mirrors.add(
            new MirrorEntry(
                "lat",
                VmId.of(vmid),
                new NicId(0),
                InterfaceName.of("tap" + vmid + "i0"),
                Direction.BOTH,
                EntryState.WAITING,
                new LocalTarget(InterfaceName.of("tap900i0")),
                List.of()));
      }
      NodeMirrorPlan plan = NodeMirrorPlan.of("lat", 1, mirrors, List.of(), List.of());
      c.converge(plan);
      Map<String, Long> activeAt = new ConcurrentHashMap<>();
      Map<String, Long> eventAt = new ConcurrentHashMap<>();
      java.util.Queue<String> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
      List<Long> tooks = java.util.Collections.synchronizedList(new ArrayList<>());
      Semaphore wake = new Semaphore(0);
      java.util.concurrent.atomic.AtomicBoolean busy =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread loop =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    wake.acquire();
                  } catch (InterruptedException e) {
                    return;
                  }
                  busy.set(true);
                  wake.drainPermits();
                  java.util.Set<String> devs = new java.util.TreeSet<>();
                  for (String d; (d = pending.poll()) != null; ) {
                    devs.add(d);
                  }
                  List<ConvergeReport> reports = new ArrayList<>();
                  if (narrow && !devs.contains("")) {
                    for (String d : devs) {
                      reports.add(c.convergeDevice(plan, d));
                    }
                  } else {
                    reports.add(c.converge(plan));
                  }
                  long now = System.nanoTime();
                  for (ConvergeReport one : reports) {
                    if (one.processesSpawned() > 0) {
                      tooks.add(one.took().toNanos());
                    }
                  }
                  for (EntryStatus e :
                      reports.stream().flatMap(x -> x.entries().stream()).toList()) {
                    if ("active".equals(e.state())) {
                      activeAt.putIfAbsent(e.device().value(), now);
                    }
                  }
                  busy.set(false);
                }
              },
              "converge-loop");
      loop.setDaemon(true);
      loop.start();
      long[] latencies = new long[n];
      long[] evLat = new long[n];
      try (MonitorEvents events = new MonitorEvents(new ProcessCommandRunner(node, timeout))) {
        events.start(
            dev -> {
              if (dev != null) {
                eventAt.putIfAbsent(dev, System.nanoTime());
              }
              pending.add(dev == null ? "" : dev);
              wake.release();
            });
        Thread.sleep(500); // let the monitors subscribe before the first device appears
        for (int i = 0; i < n; i++) {
          String tap = "tap" + (2000 + i) + "i0";
          if (idleFirst) {
            // VM starts are spaced: let the converge our own writes triggered finish first.
            long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while ((busy.get() || wake.availablePermits() > 0) && System.nanoTime() < quiet) {
              Thread.onSpinWait();
            }
          }
          long t0 = System.nanoTime();
          Lab.sh(
              "ip",
              "-n",
              node.value(),
              "link",
              "add",
              tap,
              "type",
              "veth",
              "peer",
              "name",
              "q" + i);
          long deadline = t0 + Duration.ofSeconds(10).toNanos();
          while (!activeAt.containsKey(tap) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          latencies[i] = activeAt.getOrDefault(tap, deadline) - t0;
          evLat[i] = eventAt.getOrDefault(tap, deadline) - t0;
        }
      }
      loop.interrupt();
      Arrays.sort(latencies);
      Arrays.sort(evLat);
      long[] tk;
      synchronized (tooks) {
        tk = tooks.stream().mapToLong(Long::longValue).sorted().toArray();
      }
      System.out.printf(
          "event p50 %.1f p99 %.1f; converge took p50 %.1f p99 %.1f (%d converges)%n",
          evLat[n / 2] / 1e6,
          evLat[n * 99 / 100] / 1e6,
          tk[tk.length / 2] / 1e6,
          tk[tk.length * 99 / 100] / 1e6,
          tk.length);
      System.out.printf(
          "device created -> mirror active (%s), %d devices: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          (idleFirst ? "agent idle when the device appears" : "back to back")
              + (narrow ? ", convergeDevice" : ", full converge"),
          n,
          latencies[n / 2] / 1e6,
          latencies[(int) Math.ceil(n * 0.99) - 1] / 1e6,
          latencies[n - 1] / 1e6);
    }
  }
}
