package io.pvespan.controller.api;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.pvespan.version.PvespanVersion;

/** {@code pvespan_build_info{version,process} 1}: which build answers, for joins and dashboards. */
final class BuildInfo {
  private BuildInfo() {}

  static GaugeSnapshot snapshot(String process) {
    return GaugeSnapshot.builder()
        .name("pvespan_build_info")
        .help("Always 1; the labels say which pvespan build and process this is.")
        .dataPoint(
            GaugeDataPointSnapshot.builder()
                .labels(Labels.of("process", process, "version", PvespanVersion.get()))
                .value(1)
                .build())
        .build();
  }
}
