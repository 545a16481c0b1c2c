package io.pvespan.controller.api;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4): HELP, TYPE, then
 * samples, label values escaped ({@code \\}, {@code "}, newline).
 */
public final class PrometheusMetrics {
  private final StringBuilder out = new StringBuilder();

  private PrometheusMetrics() {}

  public static String render(ControllerSnapshot s) {
    PrometheusMetrics m = new PrometheusMetrics();
    m.family("pvespan_inventory_polls_total", "counter", "Inventory polls that succeeded.");
    m.sample("pvespan_inventory_polls_total", null, s.polls());
    m.family("pvespan_inventory_poll_failures_total", "counter", "Inventory polls that failed.");
    m.sample("pvespan_inventory_poll_failures_total", null, s.pollFailures());
    m.family("pvespan_inventory_guests", "gauge", "Guests in the last inventory.");
    m.sample(
        "pvespan_inventory_guests",
        null,
        s.inventory() == null ? 0 : s.inventory().guests().size());
    m.family("pvespan_inventory_nodes", "gauge", "Nodes in the last inventory.");
    m.sample(
        "pvespan_inventory_nodes", null, s.inventory() == null ? 0 : s.inventory().nodes().size());
    m.family(
        "pvespan_spec_errors", "gauge", "Problems in the newest specs (0: they are in force).");
    m.sample("pvespan_spec_errors", null, s.specErrors().size());
    m.family("pvespan_planner_errors", "gauge", "Planner errors for the newest inputs.");
    m.sample("pvespan_planner_errors", null, s.plannerErrors().size());
    m.family("pvespan_plan_warnings", "gauge", "Planner warnings for the plans in force.");
    m.sample("pvespan_plan_warnings", null, s.warnings().size());
    m.family("pvespan_reconciles_total", "counter", "Reconcile pipeline runs.");
    m.sample("pvespan_reconciles_total", null, s.reconciles());
    m.perNode(s);
    m.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    m.sample("process_resident_memory_bytes", null, residentBytes());
    m.family("jvm_memory_heap_used_bytes", "gauge", "Java heap in use, in bytes.");
    m.sample(
        "jvm_memory_heap_used_bytes",
        null,
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    return m.out.toString();
  }

  private void perNode(ControllerSnapshot s) {
    family("pvespan_plan_generation", "gauge", "Desired plan generation per node.");
    s.agents().forEach(a -> sample("pvespan_plan_generation", a.node(), a.desiredGeneration()));
    family("pvespan_agent_applied_generation", "gauge", "Plan generation the agent has applied.");
    s.agents()
        .forEach(a -> sample("pvespan_agent_applied_generation", a.node(), a.appliedGeneration()));
    family("pvespan_agent_in_sync", "gauge", "1 when the agent has applied the desired plan.");
    s.agents().forEach(a -> sample("pvespan_agent_in_sync", a.node(), a.inSync() ? 1 : 0));
    family("pvespan_agent_reachable", "gauge", "1 when the agent answered last time.");
    s.agents()
        .forEach(
            a ->
                sample(
                    "pvespan_agent_reachable",
                    a.node(),
                    Boolean.TRUE.equals(a.reachable()) ? 1 : 0));
    family("pvespan_plan_pushes_total", "counter", "Plans the agent accepted.");
    s.agents().forEach(a -> sample("pvespan_plan_pushes_total", a.node(), a.pushes()));
    family("pvespan_plan_push_failures_total", "counter", "Plan pushes that failed.");
    s.agents().forEach(a -> sample("pvespan_plan_push_failures_total", a.node(), a.pushFailures()));
    family("pvespan_drift_items", "gauge", "Drift items in the agent's last status.");
    s.agents().forEach(a -> sample("pvespan_drift_items", a.node(), drift(a)));
  }

  private static long drift(AgentSnapshot a) {
    return a.lastStatus() == null ? 0 : a.lastStatus().drift().size();
  }

  private void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, String node, long value) {
    out.append(name);
    if (node != null) {
      out.append("{node=\"").append(escape(node)).append("\"}");
    }
    out.append(' ').append(value).append('\n');
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** VmRSS from /proc/self/status (Linux); 0 where unavailable. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).trim().toLowerCase(Locale.ROOT).replace("kb", "").trim();
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux or unreadable: report 0 rather than fail the scrape
    }
    return 0;
  }
}
