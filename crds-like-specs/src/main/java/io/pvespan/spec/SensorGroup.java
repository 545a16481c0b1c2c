package io.pvespan.spec;

import java.util.Objects;

/**
 * {@code kind: SensorGroup}: several sensor VMs sharing a session's copies by flow (symmetric flow
 * hash; failover to the live members at the next plan). A session names it in {@code sensorRef}.
 */
public record SensorGroup(
    String apiVersion, String kind, ObjectMeta metadata, SensorGroupSpec spec) {
  public static final String KIND = "SensorGroup";

  public SensorGroup {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(spec, "spec");
  }

  public static SensorGroup of(String name, String... members) {
    return new SensorGroup(
        SpecApi.VERSION,
        KIND,
        new ObjectMeta(name),
        new SensorGroupSpec(java.util.List.of(members)));
  }

  public String name() {
    return metadata.name();
  }
}
