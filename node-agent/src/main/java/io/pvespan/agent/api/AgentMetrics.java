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
 * converge read them, carried over re-created filters by the converger, and kept here for entries
 * that left the plan (a guest migrated away): they never go down while the agent runs. An agent
 * restart starts them again from what the kernel holds (one counter reset for {@code rate()}).
 */
final class AgentMetrics implements MultiCollector {
  private static final List<String> STATES = List.of("active", "waiting", "failed");
  private static final List<String> KINDS = List.of(SessionTotals.MIRROR, SessionTotals.DELIVERY);

  private final Supplier<NodeMirrorStatus> status;
  private final Supplier<AgentStats> stats;
  private final LongSupplier residentBytes;
  private final SessionTotals.Keeper totals = new SessionTotals.Keeper();

  AgentMetrics(
      Supplier<NodeMirrorStatus> status, Supplier<AgentStats> stats, LongSupplier residentBytes) {
    this.status = status;
    this.stats = stats;
    this.residentBytes = residentBytes;
  }

  @Override
  public MetricSnapshots collect() {
    NodeMirrorStatus now = status.get();
    return snapshots(now, stats.get(), residentBytes.getAsLong(), totals.update(now.entries()));
  }

  /** Pure: the same inputs give the same snapshots. {@code residentBytes} below 0 is left out. */
  static MetricSnapshots snapshots(NodeMirrorStatus status, AgentStats stats, long residentBytes) {
    return snapshots(status, stats, residentBytes, SessionTotals.of(status.entries()));
  }

  /**
   * {@code totals}: the per-session counters to expose ({@link SessionTotals}, which keeps entries
   * that left the plan so that a session's series never goes down).
   */
  static MetricSnapshots snapshots(
      NodeMirrorStatus status, AgentStats stats, long residentBytes, SessionTotals totals) {
    TreeSet<String> active = new TreeSet<>();
    Map<String, Long> perState = new TreeMap<>();
    for (String kind : KINDS) {
      STATES.forEach(s -> perState.put(kind + " " + s, 0L));
    }
    for (EntryStatus e : status.entries()) {
      if ("active".equals(e.state()) && SessionTotals.MIRROR.equals(SessionTotals.kind(e))) {
        active.add(e.device().value());
      }
      perState.computeIfPresent(SessionTotals.kind(e) + " " + e.state(), (s, n) -> n + 1);
    }
    boolean ready =
        status.conditions().stream()
            .anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
    boolean stored =
        status.conditions().stream()
            .noneMatch(c -> "PlanStored".equals(c.type()) && "False".equals(c.status()));
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(BuildInfo.snapshot("agent"));
    out.add(
        gauge(
            "pvespan_agent_mirrored_interfaces",
            "Source devices with an active mirror.",
            active.size()));
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
    out.add(
        perSession(
            "pvespan_agent_mirrored_packets",
            "Packets copied from this node's source devices, per session; never decreases while"
                + " the agent runs (re-created filters are carried over).",
            totals.mirrored(),
            0));
    out.add(
        perSession(
            "pvespan_agent_mirrored_bytes",
            "Bytes copied from this node's source devices, per session; never decreases while the"
                + " agent runs (re-created filters are carried over).",
            totals.mirrored(),
            1));
    out.add(
        perSession(
            "pvespan_agent_delivered_packets",
            "Packets delivered from a tunnel into a sensor on this node, per session.",
            totals.delivered(),
            0));
    out.add(
        perSession(
            "pvespan_agent_delivered_bytes",
            "Bytes delivered from a tunnel into a sensor on this node, per session.",
            totals.delivered(),
            1));
    Map<String, long[]> dropped = new TreeMap<>();
    stats.copiesDroppedBySession().forEach((session, n) -> dropped.put(session, new long[] {n}));
    out.add(
        perSession(
            "pvespan_agent_copies_dropped",
            "Copies of this node's source devices the session's budget dropped, per session (the"
                + " tbf of its copy conditioners; the guests' own traffic is never dropped);"
                + " never decreases while the agent runs.",
            dropped,
            0));
    GaugeSnapshot.Builder guard =
        GaugeSnapshot.builder()
            .name("pvespan_agent_copy_guard_sample")
            .help(
                "The copy guard's factor G per budgeted session on this node: its guests' filters"
                    + " clone 1 frame in G of what they match (1: every one), because the copies"
                    + " offered exceed the budget; the budget's tbf still holds the exact cap.");
    new TreeMap<>(stats.guardBySession())
        .forEach(
            (session, g) ->
                guard.dataPoint(
                    GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("session", session))
                        .value(g)
                        .build()));
    out.add(guard.build());
    out.add(
        gauge(
            "pvespan_agent_applied_generation",
            "Generation of the plan this agent converged to (the controller's view of it is"
                + " pvespan_controller_node_applied_generation).",
            status.appliedGeneration()));
    out.add(
        gauge(
            "pvespan_agent_ready",
            "1 when the kernel holds the whole plan (Ready=True), 0 otherwise; the reason is in"
                + " /v1/status.",
            ready ? 1 : 0));
    out.add(
        gauge(
            "pvespan_agent_plan_stored",
            "0 after a pushed plan could not be written to the state directory (disk full,"
                + " read-only) and was refused (HTTP 500; the current plan stays applied), 1"
                + " otherwise; the reason is in /v1/status condition PlanStored.",
            stored ? 1 : 0));
    GaugeSnapshot.Builder entries =
        GaugeSnapshot.builder()
            .name("pvespan_agent_entries")
            .help(
                "Planned entries by kind (mirror: copies from a source device; delivery: from a"
                    + " tunnel into a sensor) and state (active, waiting, failed).");
    perState.forEach(
        (key, n) -> {
          String[] kindState = key.split(" ");
          entries.dataPoint(
              GaugeDataPointSnapshot.builder()
                  .labels(Labels.of("kind", kindState[0], "state", kindState[1]))
                  .value(n)
                  .build());
        });
    out.add(entries.build());
    if (residentBytes >= 0) {
      out.add(
          gauge("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes));
    }
    return new MetricSnapshots(out);
  }

  private static CounterSnapshot perSession(
      String name, String help, Map<String, long[]> perSession, int index) {
    // Sorted by session: a scrape reads the same way every time.
    perSession = new TreeMap<>(perSession);
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
