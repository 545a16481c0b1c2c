package io.pvespan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Lab benchmark (prints numbers; results in {@code docs/benchmarks/lab.md}): with the real
 * controller, stand-in and three agents in a fresh lab,
 *
 * <ol>
 *   <li>migration to mirror: a guest's devices move to another node, the stand-in is told, and we
 *       time until the target node's kernel holds the guest's mirror (target: under the poll
 *       interval + 1 s);
 *   <li>spec change to applied everywhere: a session whose sources sit on all three nodes is paused
 *       and resumed by rewriting its file, timed until every node's kernel reflects it (target:
 *       under 2 s).
 * </ol>
 *
 * <p>Run as root after building: {@code java -Dpvespan.home=$PWD -cp lab/target/pvespan-lab.jar
 * io.pvespan.lab.LabBenchmark [--runs N] [--poll-ms MS]}. Times are measured by polling the kernel
 * every 50 ms ({@code tc -j}), so they carry up to ~70 ms of observation delay.
 */
public final class LabBenchmark {
  private static final String HEADER = "apiVersion: pvespan.io/v1alpha1\n";

  private LabBenchmark() {}

  public static void main(String[] args) throws IOException {
    int runs = 10;
    long pollMs = 1000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--poll-ms" -> pollMs = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String problem = LabPreflight.problem();
    if (problem != null) {
      System.err.println("lab benchmark: " + problem);
      System.exit(1);
    }
    Path home = Path.of(System.getProperty("pvespan.home", ".")).toAbsolutePath();
    Path work = Files.createTempDirectory("pvespan-bench-");
    Path specs = work.resolve("specs");
    Files.createDirectories(specs);
    Files.writeString(
        specs.resolve("sensor.yaml"),
        HEADER + "kind: Sensor\nmetadata: {name: ids-1}\nspec:\n  vm: {vmid: 200, nic: net1}\n");
    writeSession(specs, false);
    Duration poll = Duration.ofMillis(pollMs);
    try (Lab lab = Lab.up(LabTopology.threeNodes(LabTopology.randomPrefix("psple")))) {
      var inventory = LabInventory.sample(home);
      LabCluster cluster =
          LabCluster.start(
              lab,
              inventory,
              LabCluster.Options.fromHome(home, work, specs, poll),
              line -> System.out.println("# " + line));
      // Sources on all three nodes: 101 on pve1, 103 on pve2, 102 moved to pve3.
      lab.migrate(102, "pve3");
      cluster.moveGuest(102, "pve3");
      Map<String, String> devices =
          Map.of("tap101i0", "pve1", "veth103i0", "pve2", "tap102i0", "pve3");
      awaitAll(lab, devices, true, Duration.ofSeconds(60));

      // Each change waits a random 0..2 poll intervals first: otherwise every change would land
      // right after the controller's previous check (it was what we waited for) and every
      // measurement would be the worst case.
      java.util.Random random = new java.util.Random(42);
      List<Long> migration = new ArrayList<>();
      String at = "pve2";
      for (int i = 0; i < runs; i++) {
        String to = at.equals("pve2") ? "pve3" : "pve2";
        randomPhase(random, 2 * pollMs);
        lab.migrate(103, to);
        long t0 = System.nanoTime();
        cluster.moveGuest(103, to);
        String ns = lab.topology().nodeNs(to);
        Duration took =
            Await.timed(
                Duration.ofSeconds(30), () -> KernelView.mirrors(ns, "veth103i0").size() >= 2);
        if (took == null) {
          throw new LabException("migration " + i + ": no mirror on " + to + " within 30 s");
        }
        migration.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
        at = to;
      }
      Map<String, String> now = Map.of("tap101i0", "pve1", "veth103i0", at, "tap102i0", "pve3");

      List<Long> specChange = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        boolean pause = i % 2 == 0;
        randomPhase(random, 2 * pollMs);
        long t0 = System.nanoTime();
        writeSession(specs, pause);
        awaitAll(lab, now, !pause, Duration.ofSeconds(30));
        specChange.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
      }
      System.out.printf("poll interval: %d ms, runs: %d%n", pollMs, runs);
      report("migration in stand-in -> mirror active on target node", migration);
      report("spec change -> applied on all 3 nodes", specChange);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void randomPhase(java.util.Random random, long maxMillis) {
    try {
      Thread.sleep((long) (random.nextDouble() * maxMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAll(
      Lab lab, Map<String, String> devices, boolean present, Duration timeout) {
    Await.orFail(
        timeout,
        () ->
            devices.entrySet().stream()
                .allMatch(
                    e ->
                        present
                            == !KernelView.mirrors(lab.topology().nodeNs(e.getValue()), e.getKey())
                                .isEmpty()),
        () -> "mirrors " + (present ? "present" : "absent") + " on " + devices);
  }

  private static void writeSession(Path specs, boolean paused) throws IOException {
    Path tmp = Files.createTempFile(specs.getParent(), ".spec", ".tmp");
    Files.writeString(
        tmp,
        HEADER
            + "kind: MirrorSession\nmetadata: {name: bench}\nspec:\n"
            + "  sources: {vmids: [101, 102, 103]}\n  direction: both\n  sensorRef: ids-1\n"
            + (paused ? "  paused: true\n" : ""));
    Files.move(tmp, specs.resolve("bench.yaml"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void report(String what, List<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "%-55s p50 %5d ms  p90 %5d ms  max %5d ms  (n=%d)%n",
        what,
        sorted.get(sorted.size() / 2),
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1)),
        sorted.get(sorted.size() - 1),
        sorted.size());
  }
}
