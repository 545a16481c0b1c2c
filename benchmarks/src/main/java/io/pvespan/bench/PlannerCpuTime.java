package io.pvespan.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The same three measurements as {@link PlannerBenchmark}, in CPU time of the planning thread
 * instead of wall-clock time: on a machine shared with other work (load far above the core count)
 * wall-clock time mostly measures waiting for a core. Prints one line per round; the last rounds
 * are the warmed-up numbers. GC work on other threads is not counted: compare with the JMH numbers.
 * Run: {@code java -cp benchmarks/target/pvespan-benchmarks.jar io.pvespan.bench.PlannerCpuTime
 * [rounds]}.
 */
public final class PlannerCpuTime {
  private PlannerCpuTime() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int perRound = 10;
    PlannerBenchmark bench = new PlannerBenchmark();
    bench.setup();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int round = 1; round <= rounds; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        sink += bench.fullPlan().plans().size();
      }
      long full = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        sink += bench.replanAfterMigration().plans().size();
      }
      long replan = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        sink += bench.incrementalReplanAfterMigration().result().plans().size();
      }
      long incremental = threads.getCurrentThreadCpuTime();
      System.out.printf(
          "round %d: full plan %.1f ms CPU, re-plan after one migration %.1f ms CPU,"
              + " incremental re-plan %.1f ms CPU%n",
          round,
          (full - start) / 1e6 / perRound,
          (replan - full) / 1e6 / perRound,
          (incremental - replan) / 1e6 / perRound);
    }
    if (sink == 42) {
      System.out.println(); // keeps the results alive for the JIT
    }
  }
}
