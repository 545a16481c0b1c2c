package io.pvespan.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.status.DriftItem;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every controller metric, by name and label, from one snapshot: no I/O. */
class ControllerMetricsTest {
  private static AgentSnapshot agent(
      String node, Boolean reachable, String applied, long pushes, NodeMirrorStatus st) {
    return new AgentSnapshot(
        node,
        "https://x:8787/",
        reachable,
        null,
        2,
        applied,
        3,
        "sha256:b",
        st,
        null,
        pushes,
        4,
        false,
        null);
  }

  private static ControllerSnapshot snapshot(List<AgentSnapshot> agents) {
    NodeMirrorStatus drifting =
        new NodeMirrorStatus(
            null,
            null,
            "pve1",
            2,
            null,
            Instant.EPOCH,
            List.of(),
            List.of(
                new DriftItem(DriftItem.Kind.MISSING, "a", "d", Instant.EPOCH),
                new DriftItem(DriftItem.Kind.MISSING, "b", "d", Instant.EPOCH)),
            null,
            List.of());
    return new ControllerSnapshot(
        Instant.EPOCH,
        null,
        List.of("specs/a.yaml:1:1: bad"),
        null,
        null,
        null,
        5,
        1,
        List.of(),
        List.of("w1", "w2"),
        List.of(),
        agents.isEmpty()
            ? agents
            : List.of(
                agents.get(0),
                new AgentSnapshot(
                    "pve2", "u", null, null, 0, null, 0, null, drifting, null, 0, 0, false, null)),
        9,
        null,
        null,
        java.util.Map.of("timeout", 1L));
  }

  private static String scrape(ControllerSnapshot s, String accept) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(() -> ControllerMetrics.snapshots(s, 104_857_600, 20_000_000));
    return new MetricsEndpoint(registry).scrape(accept).body();
  }

  @Test
  void keepsEveryNameAndLabel() throws Exception {
    String text = scrape(snapshot(List.of(agent("pve1", true, "sha256:a", 7, null))), null);
    assertThat(text)
        .contains(
            "# TYPE pvespan_controller_inventory_polls_total counter\n"
                + "pvespan_controller_inventory_polls_total 5.0\n",
            "pvespan_controller_inventory_poll_failures_total{reason=\"bad_response\"} 0.0\n",
            "pvespan_controller_inventory_poll_failures_total{reason=\"timeout\"} 1.0\n",
            "pvespan_controller_pve_up 1.0\n",
            "pvespan_controller_inventory_guests 0.0\n",
            "pvespan_controller_inventory_nodes 0.0\n",
            "pvespan_controller_spec_errors 1.0\n",
            "pvespan_controller_planner_errors 0.0\n",
            "pvespan_controller_plan_warnings 2.0\n",
            "pvespan_controller_reconciles_total 9.0\n",
            "pvespan_controller_node_desired_generation{node=\"pve1\"} 3.0\n"
                + "pvespan_controller_node_desired_generation{node=\"pve2\"} 0.0\n",
            "pvespan_controller_node_applied_generation{node=\"pve1\"} 2.0\n",
            "pvespan_controller_node_in_sync{node=\"pve1\"} 0.0\n"
                + "pvespan_controller_node_in_sync{node=\"pve2\"} 1.0\n",
            "pvespan_controller_node_reachable{node=\"pve1\"} 1.0\n"
                + "pvespan_controller_node_reachable{node=\"pve2\"} 0.0\n",
            "# TYPE pvespan_controller_node_plan_pushes_total counter\n"
                + "pvespan_controller_node_plan_pushes_total{node=\"pve1\"} 7.0\n",
            "pvespan_controller_node_plan_push_failures_total{node=\"pve1\"} 4.0\n",
            "pvespan_controller_node_drift_items{node=\"pve1\"} 0.0\n"
                + "pvespan_controller_node_drift_items{node=\"pve2\"} 2.0\n",
            "pvespan_controller_node_ready{node=\"pve1\"} 0.0\n",
            "pvespan_controller_node_entries{kind=\"mirror\",node=\"pve2\",state=\"active\"} 0.0\n",
            "pvespan_build_info{process=\"controller\",version=\"",
            "process_resident_memory_bytes 1.048576E8\n",
            "jvm_memory_heap_used_bytes 2.0E7\n",
            "# TYPE pvespan_controller_leader gauge\npvespan_controller_leader 1.0\n");
    assertThat(text.lines().filter(l -> l.startsWith("# TYPE ")).count())
        .isEqualTo(22); // session metrics: none without specs (SessionMetricsTest)
    for (String line : text.split("\n")) {
      assertThat(line)
          .matches(
              "# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})?"
                  + " [0-9.E-]+");
    }
  }

  @Test
  void aStandbySaysSo() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new ControllerMetrics(() -> snapshot(List.of()), () -> false));
    assertThat(new MetricsEndpoint(registry).scrape(null).body())
        .contains("pvespan_controller_leader 0.0\n");
  }

  @Test
  void withoutAgentsThePerNodeMetricsHaveNoSamples() throws Exception {
    String text = scrape(snapshot(List.of()), null);
    assertThat(text).contains("pvespan_controller_reconciles_total 9.0\n").doesNotContain("node=");
  }

  @Test
  void speaksOpenMetricsWhenPrometheusAsks() throws Exception {
    String text =
        scrape(
            snapshot(List.of()),
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3");
    assertThat(text)
        .contains(
            "# TYPE pvespan_controller_reconciles counter\n",
            "pvespan_controller_reconciles_total 9.0\n")
        .endsWith("# EOF\n");
  }

  @Test
  void theLiveCollectorReadsMemory() {
    var c = new ControllerMetrics(() -> snapshot(List.of()));
    var rss =
        c.collect().stream()
            .filter(m -> m.getMetadata().getName().equals("process_resident_memory_bytes"))
            .findFirst()
            .orElseThrow();
    assertThat(((io.prometheus.metrics.model.snapshots.GaugeSnapshot) rss).getDataPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isPositive());
  }
}
