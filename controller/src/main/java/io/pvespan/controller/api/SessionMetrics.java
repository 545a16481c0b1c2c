package io.pvespan.controller.api;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.pvespan.controller.AgentSnapshot;
import io.pvespan.status.EntryStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The per-session and per-entry metrics, read from the same views {@code GET /v1/sessions} and
 * {@code /v1/nodes} answer with, so an alert and the status never disagree. Pure.
 */
final class SessionMetrics {
  private static final List<String> KINDS = List.of("delivery", "mirror");
  private static final List<String> STATES = List.of("active", "failed", "waiting");

  private SessionMetrics() {}

  static List<MetricSnapshot> sessions(List<SessionView> sessions) {
    return List.of(
        perSession(
            "pvespan_controller_session_ready",
            "1 when the session's Ready condition is True (applied on every node it involves);"
                + " a paused session or one that selects nothing is not ready.",
            sessions,
            v -> is(v, "Ready") ? 1 : 0),
        perSession(
            "pvespan_controller_session_degraded",
            "1 when the session's Degraded condition is True (an agent unreachable or not ready,"
                + " an entry failed, the newest specs or plans refused).",
            sessions,
            v -> is(v, "Degraded") ? 1 : 0),
        perSession(
            "pvespan_controller_session_paused",
            "1 when the session's spec.paused is true.",
            sessions,
            v -> v.paused() ? 1 : 0),
        perSession(
            "pvespan_controller_session_source_devices",
            "Guest devices the plans in force mirror for the session, over all nodes.",
            sessions,
            v -> v.devices().values().stream().mapToInt(List::size).sum()));
  }

  /** Proof of coverage per (session, source node), from {@link SessionView#paths()}. */
  static List<MetricSnapshot> paths(List<SessionView> sessions) {
    return List.of(
        perPath(
            "pvespan_controller_path_verified",
            "1 when a canary the source node's agent sent for the session recently reached the"
                + " sensor (docs/canaries.md), 0 when none did; absent where no canary can tell"
                + " (an external collector, an agent that sends none).",
            sessions,
            p -> p.verified() ? 1 : 0),
        perPath(
            "pvespan_controller_path_verified_age_seconds",
            "Seconds since the newest canary from the source node that reached the session's"
                + " sensor was sent; absent before the first one arrives.",
            sessions,
            p -> p.ageSeconds() == null ? Double.NaN : p.ageSeconds()));
  }

  /** One sample per (session, source node) that canaries check; NaN values are left out. */
  private static GaugeSnapshot perPath(
      String name,
      String help,
      List<SessionView> sessions,
      java.util.function.ToDoubleFunction<PathView> f) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    for (SessionView v : sessions) {
      for (PathView p : v.paths()) {
        double value = f.applyAsDouble(p);
        if (p.checked() && !Double.isNaN(value)) {
          b.dataPoint(
              GaugeDataPointSnapshot.builder()
                  .labels(Labels.of("node", p.node(), "session", v.name()))
                  .value(value)
                  .build());
        }
      }
    }
    return b.build();
  }

  /** {@code pvespan_controller_node_entries{node,kind,state}} from each agent's last status. */
  static GaugeSnapshot nodeEntries(List<AgentSnapshot> agents) {
    GaugeSnapshot.Builder b =
        GaugeSnapshot.builder()
            .name("pvespan_controller_node_entries")
            .help(
                "Entries in the node agent's last status by kind (mirror: from a source device;"
                    + " delivery: from a tunnel into a sensor) and state (active, waiting,"
                    + " failed).");
    for (AgentSnapshot a : agents) {
      if (a.lastStatus() == null) {
        continue;
      }
      Map<String, Integer> counts = new TreeMap<>();
      KINDS.forEach(k -> STATES.forEach(s -> counts.put(k + " " + s, 0)));
      for (EntryStatus e : a.lastStatus().entries()) {
        String kind = e.direction() == null ? "delivery" : "mirror";
        counts.computeIfPresent(kind + " " + e.state(), (k, n) -> n + 1);
      }
      counts.forEach(
          (key, n) -> {
            String[] kindState = key.split(" ");
            b.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(
                        Labels.of("kind", kindState[0], "node", a.node(), "state", kindState[1]))
                    .value(n)
                    .build());
          });
    }
    return b.build();
  }

  private static boolean is(SessionView v, String type) {
    return v.conditions().stream()
        .anyMatch(c -> type.equals(c.type()) && "True".equals(c.status()));
  }

  private static GaugeSnapshot perSession(
      String name, String help, List<SessionView> sessions, ToDoubleFunction<SessionView> f) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    sessions.forEach(
        v ->
            b.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("session", v.name()))
                    .value(f.applyAsDouble(v))
                    .build()));
    return b.build();
  }
}
