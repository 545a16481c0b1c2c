package io.pvespan.agent.api;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.pvespan.agent.engine.AgentStats;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.util.List;

/**
 * Every metric the agent exposes, with at least one sample each, from the same code that serves
 * {@code /metrics}: the source of the generated metric reference ({@code docs/metrics.md}), so the
 * reference cannot drift from what an agent says.
 */
public final class AgentMetricsReference {
  private AgentMetricsReference() {}

  public static MetricSnapshots sample() {
    NodeMirrorStatus status =
        new NodeMirrorStatus(
            null,
            null,
            "pve1",
            1,
            null,
            null,
            List.of(
                new EntryStatus(
                    "web", InterfaceName.of("tap101i0"), Direction.BOTH, "active", null, 1, 1),
                new EntryStatus("web", InterfaceName.of("pspv1"), null, "active", null, 1, 1)),
            List.of(),
            null,
            List.of());
    AgentStats stats =
        new AgentStats(
            0,
            0,
            0,
            java.util.Map.of(
                "pspq00000000",
                new io.pvespan.agent.engine.CopyDrops("web", InterfaceName.of("pspq00000000"), 1)),
            java.util.Map.of("web", 64));
    return AgentMetrics.snapshots(status, stats, 1);
  }
}
