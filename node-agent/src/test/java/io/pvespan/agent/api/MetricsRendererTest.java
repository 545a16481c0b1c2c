package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.engine.AgentStats;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsRendererTest {
  private static EntryStatus entry(String session, String dev, String state, long p, long b) {
    return new EntryStatus(session, InterfaceName.of(dev), Direction.BOTH, state, null, p, b);
  }

  @Test
  void rendersEveryMetricInTextFormat004() {
    NodeMirrorStatus status =
        new NodeMirrorStatus(
            null,
            null,
            "pve1",
            12,
            "sha256:ab",
            Instant.EPOCH,
            List.of(
                entry("web", "tap101i0", "active", 10, 1000),
                entry("web", "tap102i0", "active", 5, 500),
                entry("dmz", "tap103i0", "waiting", 0, 0),
                entry("dmz", "tap101i0", "active", 1, 64)),
            List.of(new DriftItem(DriftItem.Kind.MISSING, "filter x", "d", Instant.EPOCH)),
            null,
            List.of());
    String text = MetricsRenderer.render(status, new AgentStats(7, 0.25, 3), 52_428_800);
    assertThat(text)
        .contains(
            "# TYPE pvespan_agent_mirrored_interfaces gauge\npvespan_agent_mirrored_interfaces 2\n",
            "# TYPE pvespan_agent_converges_total counter\npvespan_agent_converges_total 7\n",
            "# TYPE pvespan_agent_converge_duration_seconds summary\n"
                + "pvespan_agent_converge_duration_seconds_sum 0.25\n"
                + "pvespan_agent_converge_duration_seconds_count 7\n",
            "pvespan_agent_drift_items 1\n",
            "pvespan_agent_kernel_command_failures_total 3\n",
            "pvespan_agent_mirrored_packets_total{session=\"dmz\"} 1\n"
                + "pvespan_agent_mirrored_packets_total{session=\"web\"} 15\n",
            "pvespan_agent_mirrored_bytes_total{session=\"dmz\"} 64\n"
                + "pvespan_agent_mirrored_bytes_total{session=\"web\"} 1500\n",
            "pvespan_agent_applied_generation 12\n",
            "pvespan_agent_ready 0\n",
            "pvespan_agent_entries{state=\"active\"} 3\n"
                + "pvespan_agent_entries{state=\"waiting\"} 1\n"
                + "pvespan_agent_entries{state=\"failed\"} 0\n",
            "process_resident_memory_bytes 52428800\n");
    // Every sample line is "name[{labels}] value"; every metric has HELP and TYPE.
    for (String line : text.split("\n")) {
      assertThat(line)
          .matches("# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{(session|state)=\"[^\"]*\"\\})? [0-9.E-]+");
    }
  }

  @Test
  void leavesOutRssWhenUnknownAndEscapesLabels() {
    NodeMirrorStatus status =
        new NodeMirrorStatus(
            null,
            null,
            "pve1",
            0,
            null,
            null,
            List.of(entry("a\"b\\c\nd", "tap1i0", "active", 1, 2)),
            List.of(),
            null,
            List.of());
    String text = MetricsRenderer.render(status, AgentStats.ZERO, -1);
    assertThat(text).doesNotContain("process_resident_memory_bytes");
    assertThat(text).contains("{session=\"a\\\"b\\\\c\\nd\"} 1\n");
  }
}
