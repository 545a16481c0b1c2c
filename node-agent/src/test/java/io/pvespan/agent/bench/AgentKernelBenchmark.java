package io.pvespan.agent.bench;

import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.KernelConverger;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bulk apply of N devices from empty (wall time, processes) side by side with the hand-made
 * per-device script (test resource {@code bench/handmade-mirror.sh}), then a no-op resync. Prints
 * numbers; asserts nothing. Run as root (see docs/benchmarks/agent-kernel.md).
 */
public final class AgentKernelBenchmark {
  private AgentKernelBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    try (Lab lab = new Lab()) {
      NetnsName ours = lab.namespace("bo");
      NetnsName theirs = lab.namespace("bh");
      NetnsName warm = lab.namespace("bw");
      devices(ours, n);
      devices(theirs, n);
      devices(warm, n);
      Duration timeout = Duration.ofSeconds(120);
      KernelFeatures f =
          KernelProbe.probeIn(new ProcessCommandRunner(lab.namespace("bp"), timeout));
      KernelConverger c =
          new KernelConverger(new ProcessCommandRunner(ours, timeout), f, Clock.systemUTC());
      NodeMirrorPlan plan = plan(n);
      // A running agent has probed and converged before; measure a JIT-warm JVM, but show the
      // cold first converge too (same size, another namespace).
      KernelConverger w =
          new KernelConverger(new ProcessCommandRunner(warm, timeout), f, Clock.systemUTC());
      ConvergeReport cold = w.converge(plan);
      System.out.printf(
          "cold JVM bulk apply  %5d devices: %7.0f ms, %5d processes (first converge after start)%n",
          n, ms(cold.took()), cold.processesSpawned());
      for (int i = 0; i < 3; i++) {
        w.converge(NodeMirrorPlan.empty("bench", 2));
        w.converge(plan);
      }

      ConvergeReport apply = c.converge(plan);
      System.out.printf(
          "pvespan bulk apply   %5d devices: %7.0f ms, %5d processes, %5d writes, %d failures%n",
          n, ms(apply.took()), apply.processesSpawned(), apply.writes(), apply.failures().size());

      Path script = Files.createTempFile("handmade-mirror", ".sh");
      try (var in = AgentKernelBenchmark.class.getResourceAsStream("/bench/handmade-mirror.sh")) {
        Files.write(script, in.readAllBytes());
      }
      long t0 = System.nanoTime();
      int scripted = Boolean.getBoolean("bench.skipHandmade") ? 0 : n;
      for (int i = 0; i < scripted; i++) {
        Lab.sh("bash", script.toString(), theirs.value(), "tap" + (1000 + i) + "i0", "tap900i0");
      }
      double scriptMs = (System.nanoTime() - t0) / 1e6;
      Files.delete(script);
      System.out.printf(
          "hand-made script     %5d devices: %7.0f ms, %5d processes (1 bash + 5 per device)%n",
          n, scriptMs, n * 6);
      System.out.printf("speed-up: %.1fx%n", scriptMs / ms(apply.took()));

      for (int i = 0; i < 3; i++) {
        ConvergeReport noop = c.converge(plan);
        System.out.printf(
            "no-op resync         %5d devices: %7.0f ms, %5d processes, %5d writes%n",
            n, ms(noop.took()), noop.processesSpawned(), noop.writes());
      }
      ConvergeReport restarted =
          new KernelConverger(new ProcessCommandRunner(ours, timeout), f, Clock.systemUTC())
              .converge(plan);
      System.out.printf(
          "restarted agent      %5d devices: %7.0f ms, %5d processes, %5d writes (adoption)%n",
          n, ms(restarted.took()), restarted.processesSpawned(), restarted.writes());
    }
  }

  private static double ms(Duration d) {
    return d.toNanos() / 1e6;
  }

  private static void devices(NetnsName ns, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("link add tap900i0 type veth peer name sensorpeer");
    lines.add("link set tap900i0 up");
    for (int i = 0; i < n; i++) {
      String tap = "tap" + (1000 + i) + "i0";
      lines.add("link add " + tap + " type veth peer name p" + (1000 + i));
      lines.add("link set " + tap + " up");
    }
    Path batch = Files.createTempFile("devices", ".batch");
    Files.writeString(batch, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Lab.sh("ip", "-n", ns.value(), "-batch", batch.toString());
    Files.delete(batch);
  }

  private static NodeMirrorPlan plan(int n) {
    List<MirrorEntry> mirrors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int vmid = 1000 + i;
      mirrors.add(
          new MirrorEntry(
              "bench",
              VmId.of(vmid),
              new NicId(0),
              InterfaceName.of("tap" + vmid + "i0"),
              Direction.BOTH,
              EntryState.ACTIVE,
              new LocalTarget(InterfaceName.of("tap900i0")),
              List.of()));
    }
    return NodeMirrorPlan.of("bench", 1, mirrors, List.of(), List.of());
  }
}
