package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pvespan.agent.engine.AgentStats;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPEN_METRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private static EntryStatus entry(String session, String dev, String state, long p, long b) {
    return new EntryStatus(session, InterfaceName.of(dev), Direction.BOTH, state, null, p, b);
  }

  private static NodeMirrorStatus status(
      long generation, List<EntryStatus> entries, List<DriftItem> drift, List<Condition> cond) {
    return new NodeMirrorStatus(
        null, null, "pve1", generation, null, Instant.EPOCH, entries, drift, null, cond);
  }

  private static MetricsEndpoint.Scrape scrape(
      NodeMirrorStatus status, AgentStats stats, long rss, String accept) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new AgentMetrics(() -> status, () -> stats, () -> rss));
    return new MetricsEndpoint(registry).scrape(accept);
  }

  @Test
  void exposesEveryMetricInTextFormat004() throws Exception {
    NodeMirrorStatus status =
        status(
            12,
            List.of(
                entry("web", "tap101i0", "active", 10, 1000),
                entry("web", "tap102i0", "active", 5, 500),
                entry("dmz", "tap103i0", "waiting", 0, 0),
                entry("dmz", "tap101i0", "active", 1, 64),
                new EntryStatus("web", InterfaceName.of("pspv1"), null, "active", null, 9, 9000)),
            List.of(new DriftItem(DriftItem.Kind.MISSING, "filter x", "d", Instant.EPOCH)),
            List.of());
    MetricsEndpoint.Scrape s = scrape(status, new AgentStats(7, 0.25, 3), 52_428_800, null);
    assertThat(s.contentType()).isEqualTo(TEXT_004);
    assertThat(s.body())
        .contains(
            "# TYPE pvespan_agent_mirrored_interfaces gauge\n"
                + "pvespan_agent_mirrored_interfaces 2.0\n",
            "# TYPE pvespan_agent_converges_total counter\npvespan_agent_converges_total 7.0\n",
            "# TYPE pvespan_agent_converge_duration_seconds summary\n"
                + "pvespan_agent_converge_duration_seconds_count 7\n"
                + "pvespan_agent_converge_duration_seconds_sum 0.25\n",
            "pvespan_agent_drift_items 1.0\n",
            "pvespan_agent_kernel_command_failures_total 3.0\n",
            "# TYPE pvespan_agent_mirrored_packets_total counter\n"
                + "pvespan_agent_mirrored_packets_total{session=\"dmz\"} 1.0\n"
                + "pvespan_agent_mirrored_packets_total{session=\"web\"} 15.0\n",
            "pvespan_agent_mirrored_bytes_total{session=\"dmz\"} 64.0\n"
                + "pvespan_agent_mirrored_bytes_total{session=\"web\"} 1500.0\n",
            "pvespan_agent_applied_generation 12.0\n",
            "# TYPE pvespan_agent_ready gauge\npvespan_agent_ready 0.0\n",
            "pvespan_agent_entries{kind=\"delivery\",state=\"active\"} 1.0\n"
                + "pvespan_agent_entries{kind=\"delivery\",state=\"failed\"} 0.0\n"
                + "pvespan_agent_entries{kind=\"delivery\",state=\"waiting\"} 0.0\n"
                + "pvespan_agent_entries{kind=\"mirror\",state=\"active\"} 3.0\n"
                + "pvespan_agent_entries{kind=\"mirror\",state=\"failed\"} 0.0\n"
                + "pvespan_agent_entries{kind=\"mirror\",state=\"waiting\"} 1.0\n",
            "pvespan_agent_delivered_bytes_total{session=\"web\"} 9000.0\n",
            "pvespan_build_info{process=\"agent\",version=\"",
            "process_resident_memory_bytes 5.24288E7\n");
    // Every sample line is "name[{labels}] value"; every metric has HELP and TYPE.
    for (String line : s.body().split("\n")) {
      assertThat(line)
          .matches(
              "# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})?"
                  + " [0-9.E-]+");
    }
    assertThat(s.body().lines().filter(l -> l.startsWith("# TYPE ")).count()).isEqualTo(15);
  }

  @Test
  void aSessionsCountersKeepEntriesThatLeftThePlan() throws Exception {
    var migrating =
        status(
            3,
            List.of(
                entry("web", "tap101i0", "active", 10, 1000),
                entry("web", "tap102i0", "active", 1, 100)),
            List.of(),
            List.of());
    var migrated =
        status(4, List.of(entry("web", "tap102i0", "active", 2, 200)), List.of(), List.of());
    PrometheusRegistry registry = new PrometheusRegistry();
    var now = new java.util.concurrent.atomic.AtomicReference<>(migrating);
    registry.register(new AgentMetrics(now::get, () -> AgentStats.ZERO, () -> -1));
    MetricsEndpoint endpoint = new MetricsEndpoint(registry);
    assertThat(endpoint.scrape(null).body())
        .contains("pvespan_agent_mirrored_bytes_total{session=\"web\"} 1100.0\n");
    now.set(migrated);
    // tap101i0 migrated away: its 1000 bytes stay in the session's counter.
    assertThat(endpoint.scrape(null).body())
        .contains("pvespan_agent_mirrored_bytes_total{session=\"web\"} 1200.0\n");
  }

  @Test
  void theCopyGuardsFactorIsAGaugePerSession() throws Exception {
    AgentStats stats = new AgentStats(1, 0, 0).withGuardSamples(java.util.Map.of("web", 128));
    assertThat(scrape(status(1, List.of(), List.of(), List.of()), stats, -1, null).body())
        .contains(
            "# TYPE pvespan_agent_copy_guard_sample gauge\n"
                + "pvespan_agent_copy_guard_sample{session=\"web\"} 128.0\n");
  }

  @Test
  void readyFollowsTheReadyCondition() throws Exception {
    var ready = new Condition("Ready", "True", "Converged", "", Instant.EPOCH, 1);
    var notReady = new Condition("Ready", "False", "Waiting", "", Instant.EPOCH, 1);
    assertThat(scrape(status(1, List.of(), List.of(), List.of(ready)), AgentStats.ZERO, -1, null))
        .extracting(MetricsEndpoint.Scrape::body)
        .asString()
        .contains("pvespan_agent_ready 1.0\n");
    assertThat(
            scrape(status(1, List.of(), List.of(), List.of(notReady)), AgentStats.ZERO, -1, null))
        .extracting(MetricsEndpoint.Scrape::body)
        .asString()
        .contains("pvespan_agent_ready 0.0\n");
  }

  @Test
  void leavesOutRssWhenUnknownAndEscapesLabels() throws Exception {
    NodeMirrorStatus status =
        status(0, List.of(entry("a\"b\\c\nd", "tap1i0", "active", 1, 2)), List.of(), List.of());
    String text = scrape(status, AgentStats.ZERO, -1, null).body();
    assertThat(text).doesNotContain("process_resident_memory_bytes");
    assertThat(text).contains("{session=\"a\\\"b\\\\c\\nd\"} 1.0\n");
  }

  @Test
  void speaksOpenMetricsWhenAskedAndNeverProtobuf() throws Exception {
    NodeMirrorStatus status = status(3, List.of(), List.of(), List.of());
    MetricsEndpoint.Scrape om =
        scrape(
            status,
            AgentStats.ZERO,
            -1,
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3");
    assertThat(om.contentType()).isEqualTo(OPEN_METRICS);
    assertThat(om.body())
        .contains(
            "# TYPE pvespan_agent_converges counter\n"
                + "# HELP pvespan_agent_converges Converges run.\n"
                + "pvespan_agent_converges_total 0.0\n")
        .endsWith("# EOF\n");
    MetricsEndpoint.Scrape proto =
        scrape(
            status,
            AgentStats.ZERO,
            -1,
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");
    assertThat(proto.contentType()).isEqualTo(TEXT_004);
    assertThat(proto.body()).contains("pvespan_agent_applied_generation 3.0\n");
  }
}
