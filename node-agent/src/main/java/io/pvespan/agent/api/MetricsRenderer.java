package io.pvespan.agent.api;

import io.pvespan.agent.engine.AgentStats;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders the agent's metrics in the Prometheus text exposition format 0.0.4. Pure: the same status
 * and counters give the same text (sessions sorted). Per-session packet and byte counters come from
 * the mirred actions' tc statistics as the last converge read them; they restart from zero when a
 * rule is re-created, which Prometheus' {@code rate()} treats as a counter reset.
 */
public final class MetricsRenderer {
  /** The Content-Type of this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsRenderer() {}

  /** {@code residentBytes} below zero: the process metric is left out. */
  public static String render(NodeMirrorStatus status, AgentStats stats, long residentBytes) {
    StringBuilder out = new StringBuilder(2048);
    TreeSet<String> active = new TreeSet<>();
    Map<String, long[]> perSession = new TreeMap<>();
    for (EntryStatus e : status.entries()) {
      if ("active".equals(e.state())) {
        active.add(e.device().value());
      }
      long[] sum = perSession.computeIfAbsent(e.session(), s -> new long[2]);
      sum[0] += e.packets();
      sum[1] += e.bytes();
    }
    gauge(
        out, "pvespan_agent_mirrored_interfaces", "Devices with an active mirror.", active.size());
    counter(out, "pvespan_agent_converges_total", "Converges run.", stats.convergesTotal());
    out.append("# HELP pvespan_agent_converge_duration_seconds Time spent converging.\n")
        .append("# TYPE pvespan_agent_converge_duration_seconds summary\n")
        .append("pvespan_agent_converge_duration_seconds_sum ")
        .append(number(stats.convergeSecondsSum()))
        .append('\n')
        .append("pvespan_agent_converge_duration_seconds_count ")
        .append(stats.convergesTotal())
        .append('\n');
    gauge(
        out,
        "pvespan_agent_drift_items",
        "Drift items found by the last converge.",
        status.drift().size());
    counter(
        out,
        "pvespan_agent_kernel_command_failures_total",
        "Kernel commands that failed.",
        stats.kernelFailuresTotal());
    perSessionCounter(
        out, "pvespan_agent_mirrored_packets_total", "Packets mirrored.", perSession, 0);
    perSessionCounter(out, "pvespan_agent_mirrored_bytes_total", "Bytes mirrored.", perSession, 1);
    gauge(
        out,
        "pvespan_agent_applied_generation",
        "Generation of the converged plan.",
        status.appliedGeneration());
    boolean ready =
        status.conditions().stream()
            .anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
    gauge(
        out,
        "pvespan_agent_ready",
        "1 when the kernel holds the whole plan (Ready=True), 0 otherwise; the reason is in"
            + " /v1/status.",
        ready ? 1 : 0);
    header(
        out,
        "pvespan_agent_entries",
        "Planned entries by state (active, waiting, failed).",
        "gauge");
    for (String state : List.of("active", "waiting", "failed")) {
      long n = status.entries().stream().filter(e -> state.equals(e.state())).count();
      out.append("pvespan_agent_entries{state=\"")
          .append(state)
          .append("\"} ")
          .append(n)
          .append('\n');
    }
    if (residentBytes >= 0) {
      gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes);
    }
    return out.toString();
  }

  private static void perSessionCounter(
      StringBuilder out, String name, String help, Map<String, long[]> perSession, int index) {
    header(out, name, help, "counter");
    perSession.forEach(
        (session, sums) ->
            out.append(name)
                .append("{session=\"")
                .append(escape(session))
                .append("\"} ")
                .append(sums[index])
                .append('\n'));
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "gauge");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "counter");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Label value escaping of the text format: backslash, double quote and newline. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String number(double value) {
    return Double.toString(value);
  }
}
