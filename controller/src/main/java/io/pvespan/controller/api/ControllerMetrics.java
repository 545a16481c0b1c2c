package io.pvespan.controller.api;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.controller.pve.PveException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The controller's metrics as a Prometheus client collector. Every number is already in a {@link
 * ControllerSnapshot}; reading one snapshot per scrape keeps a scrape consistent and counts nothing
 * twice. Every name starts with {@code pvespan_controller_} (the agents' own start with {@code
 * pvespan_agent_}); per-node metrics carry the label {@code node}, per-session ones {@code
 * session}.
 */
final class ControllerMetrics implements MultiCollector {
  private final Supplier<ControllerSnapshot> snapshots;
  private final BooleanSupplier leading;

  ControllerMetrics(Supplier<ControllerSnapshot> snapshots) {
    this(snapshots, () -> true);
  }

  ControllerMetrics(Supplier<ControllerSnapshot> snapshots, BooleanSupplier leading) {
    this.snapshots = snapshots;
    this.leading = leading;
  }

  @Override
  public MetricSnapshots collect() {
    return snapshots(snapshots.get(), leading.getAsBoolean(), residentBytes(), heapUsedBytes());
  }

  /** A controller that leads (the only one, without {@code ha:}). */
  static MetricSnapshots snapshots(ControllerSnapshot s, long residentBytes, long heapUsedBytes) {
    return snapshots(s, true, residentBytes, heapUsedBytes);
  }

  /** Pure: the same snapshot, role and memory figures give the same metrics. */
  static MetricSnapshots snapshots(
      ControllerSnapshot s, boolean leader, long residentBytes, long heapUsedBytes) {
    int guests = s.inventory() == null ? 0 : s.inventory().guests().size();
    int nodes = s.inventory() == null ? 0 : s.inventory().nodes().size();
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(BuildInfo.snapshot("controller"));
    out.add(
        gauge(
            "pvespan_controller_leader",
            "1 when this controller plans and pushes (always without ha:); 0 for a standby of an"
                + " ha: cluster, whose other numbers stay empty until it leads.",
            leader ? 1 : 0));
    out.add(
        counter(
            "pvespan_controller_inventory_polls", "Inventory polls that succeeded.", s.polls()));
    out.add(pollFailures(s));
    out.add(
        gauge(
            "pvespan_controller_pve_up",
            "1 when the newest inventory poll of the Proxmox API succeeded; 0 while it fails (the"
                + " plans in force stay; the reason is in GET /v1/plans inventoryError and in"
                + " pvespan_controller_inventory_poll_failures_total).",
            s.polls() > 0 && s.lastPollError() == null ? 1 : 0));
    out.add(gauge("pvespan_controller_inventory_guests", "Guests in the last inventory.", guests));
    out.add(gauge("pvespan_controller_inventory_nodes", "Nodes in the last inventory.", nodes));
    out.add(
        gauge(
            "pvespan_controller_spec_errors",
            "Problems in the newest specs (0: they are in force).",
            s.specErrors().size()));
    out.add(
        gauge(
            "pvespan_controller_planner_errors",
            "Planner errors for the newest inputs.",
            s.plannerErrors().size()));
    out.add(
        gauge(
            "pvespan_controller_plan_warnings",
            "Planner warnings for the plans in force.",
            s.warnings().size()));
    out.add(counter("pvespan_controller_reconciles", "Reconcile pipeline runs.", s.reconciles()));
    List<AgentSnapshot> agents = s.agents();
    out.add(
        perNodeGauge(
            "pvespan_controller_node_desired_generation",
            "Generation of the plan the controller wants the node's agent to run.",
            agents,
            AgentSnapshot::desiredGeneration));
    out.add(
        perNodeGauge(
            "pvespan_controller_node_applied_generation",
            "Generation the node's agent last reported as applied (the agent's own is"
                + " pvespan_agent_applied_generation).",
            agents,
            AgentSnapshot::appliedGeneration));
    out.add(
        perNodeGauge(
            "pvespan_controller_node_in_sync",
            "1 when the node's agent has applied the desired plan.",
            agents,
            a -> a.inSync() ? 1 : 0));
    out.add(
        perNodeGauge(
            "pvespan_controller_node_reachable",
            "1 when the node's agent answered last time.",
            agents,
            a -> Boolean.TRUE.equals(a.reachable()) ? 1 : 0));
    out.add(
        perNodeGauge(
            "pvespan_controller_node_ready",
            "1 when the node is Ready as GET /v1/nodes shows it (reachable, the agent Ready, the"
                + " plan applied).",
            agents,
            a -> "True".equals(NodeReadiness.of(a).status()) ? 1 : 0));
    out.add(
        perNodeCounter(
            "pvespan_controller_node_plan_pushes",
            "Plans the node's agent accepted.",
            agents,
            AgentSnapshot::pushes));
    out.add(
        perNodeCounter(
            "pvespan_controller_node_plan_push_failures",
            "Plan pushes to the node's agent that failed.",
            agents,
            AgentSnapshot::pushFailures));
    out.add(
        perNodeGauge(
            "pvespan_controller_node_drift_items",
            "Drift items in the node agent's last status.",
            agents,
            a -> a.lastStatus() == null ? 0 : a.lastStatus().drift().size()));
    out.add(SessionMetrics.nodeEntries(agents));
    List<SessionView> sessionViews = ControllerViews.sessions(s);
    out.addAll(SessionMetrics.sessions(sessionViews));
    out.addAll(SessionMetrics.paths(sessionViews));
    out.add(
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes));
    out.add(gauge("jvm_memory_heap_used_bytes", "Java heap in use, in bytes.", heapUsedBytes));
    return new MetricSnapshots(out);
  }

  /** One series per cause, each from 0, so that rate() and alerts see the first failure. */
  private static CounterSnapshot pollFailures(ControllerSnapshot s) {
    CounterSnapshot.Builder b =
        CounterSnapshot.builder()
            .name("pvespan_controller_inventory_poll_failures")
            .help(
                "Inventory polls that failed, by reason: unreachable, timeout, server_error (HTTP"
                    + " 5xx/429), unauthorized (401/403), bad_response (not the API's JSON), tls,"
                    + " other.");
    for (PveException.Cause c : PveException.Cause.values()) {
      b.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("reason", c.label()))
              .value(s.pollFailuresByCause().getOrDefault(c.label(), 0L))
              .build());
    }
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

  private static GaugeSnapshot perNodeGauge(
      String name, String help, List<AgentSnapshot> agents, ToDoubleFunction<AgentSnapshot> f) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    agents.forEach(
        a ->
            b.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("node", a.node()))
                    .value(f.applyAsDouble(a))
                    .build()));
    return b.build();
  }

  private static CounterSnapshot perNodeCounter(
      String name, String help, List<AgentSnapshot> agents, ToDoubleFunction<AgentSnapshot> f) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    agents.forEach(
        a ->
            b.dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of("node", a.node()))
                    .value(f.applyAsDouble(a))
                    .build()));
    return b.build();
  }

  private static long heapUsedBytes() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** VmRSS from /proc/self/status (Linux); 0 where unavailable. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux or unreadable: report 0 rather than fail the scrape
    }
    return 0;
  }
}
