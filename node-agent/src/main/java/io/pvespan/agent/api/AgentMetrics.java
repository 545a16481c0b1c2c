package io.pvespan.agent.api;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.pvespan.agent.engine.AgentStats;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's metrics as a Prometheus client collector. The numbers are already kept by the
 * reconciler (its status and {@link AgentStats}), so this reads them once per scrape instead of
 * counting a second time in client-side instruments: every scrape is one consistent moment.
 *
 * <p>Per-session packet and byte counters come from the mirred actions' tc statistics as the last
 * converge read them; they restart from zero when a rule is re-created, which Prometheus' {@code
 * rate()} treats as a counter reset.
 */
final class AgentMetrics implements MultiCollector {
  private static final List<String> STATES = List.of("active", "waiting", "failed");

  private final Supplier<NodeMirrorStatus> status;
  private final Supplier<AgentStats> stats;
  private final LongSupplier residentBytes;

  AgentMetrics(
      Supplier<NodeMirrorStatus> status, Supplier<AgentStats> stats, LongSupplier residentBytes) {
    this.status = status;
    this.stats = stats;
    this.residentBytes = residentBytes;
  }

  @Override
  public MetricSnapshots collect() {
    return snapshots(status.get(), stats.get(), residentBytes.getAsLong());
  }

  /** Pure: the same inputs give the same snapshots. {@code residentBytes} below 0 is left out. */
  static MetricSnapshots snapshots(NodeMirrorStatus status, AgentStats stats, long residentBytes) {
    TreeSet<String> active = new TreeSet<>();
    Map<String, long[]> perSession = new TreeMap<>();
    Map<String, Long> perState = new TreeMap<>();
    STATES.forEach(s -> perState.put(s, 0L));
    for (EntryStatus e : status.entries()) {
      if ("active".equals(e.state())) {
        active.add(e.device().value());
      }
      perState.computeIfPresent(e.state(), (s, n) -> n + 1);
      long[] sum = perSession.computeIfAbsent(e.session(), s -> new long[2]);
      sum[0] += e.packets();
      sum[1] += e.bytes();
    }
    boolean ready =
        status.conditions().stream()
            .anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(
        gauge(
            "pvespan_agent_mirrored_interfaces", "Devices with an active mirror.", active.size()));
    out.add(counter("pvespan_agent_converges", "Converges run.", stats.convergesTotal()));
    out.add(
        SummarySnapshot.builder()
            .name("pvespan_agent_converge_duration_seconds")
            .help("Time spent converging.")
            .dataPoint(
                SummaryDataPointSnapshot.builder()
                    .count(stats.convergesTotal())
                    .sum(stats.convergeSecondsSum())
                    .build())
            .build());
    out.add(
        gauge(
            "pvespan_agent_drift_items",
            "Drift items found by the last converge.",
            status.drift().size()));
    out.add(
        counter(
            "pvespan_agent_kernel_command_failures",
            "Kernel commands that failed.",
            stats.kernelFailuresTotal()));
    out.add(perSession("pvespan_agent_mirrored_packets", "Packets mirrored.", perSession, 0));
    out.add(perSession("pvespan_agent_mirrored_bytes", "Bytes mirrored.", perSession, 1));
    out.add(
        gauge(
            "pvespan_agent_applied_generation",
            "Generation of the converged plan.",
            status.appliedGeneration()));
    out.add(
        gauge(
            "pvespan_agent_ready",
            "1 when the kernel holds the whole plan (Ready=True), 0 otherwise; the reason is in"
                + " /v1/status.",
            ready ? 1 : 0));
    GaugeSnapshot.Builder entries =
        GaugeSnapshot.builder()
            .name("pvespan_agent_entries")
            .help("Planned entries by state (active, waiting, failed).");
    perState.forEach(
        (state, n) ->
            entries.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("state", state))
                    .value(n)
                    .build()));
    out.add(entries.build());
    if (residentBytes >= 0) {
      out.add(
          gauge("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes));
    }
    return new MetricSnapshots(out);
  }

  private static CounterSnapshot perSession(
      String name, String help, Map<String, long[]> perSession, int index) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    perSession.forEach(
        (session, sums) ->
            b.dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of("session", session))
                    .value(sums[index])
                    .build()));
    return b.build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }

  /** {@code name} without {@code _total}: the client adds it in every format. */
  private static CounterSnapshot counter(String name, String help, double value) {
    return CounterSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
