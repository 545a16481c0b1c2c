package io.pvespan.spec;

import java.util.Comparator;
import java.util.List;

/**
 * A validated set of specs: names unique per kind (Sensors and SensorGroups share one set of
 * names), every sensorRef resolves to a Sensor or a SensorGroup, every group member to a sensor VM.
 * Sorted by name.
 */
public record SpecSet(
    List<Sensor> sensors, List<MirrorSession> sessions, List<SensorGroup> groups) {
  public SpecSet {
    sensors = sensors.stream().sorted(Comparator.comparing(Sensor::name)).toList();
    sessions = sessions.stream().sorted(Comparator.comparing(MirrorSession::name)).toList();
    groups =
        groups == null
            ? List.of()
            : groups.stream().sorted(Comparator.comparing(SensorGroup::name)).toList();
  }

  /** Specs without sensor groups. */
  public SpecSet(List<Sensor> sensors, List<MirrorSession> sessions) {
    this(sensors, sessions, List.of());
  }

  public static SpecSet empty() {
    return new SpecSet(List.of(), List.of());
  }

  /** The group named {@code name}, or null. */
  public SensorGroup group(String name) {
    for (SensorGroup g : groups) {
      if (g.name().equals(name)) {
        return g;
      }
    }
    return null;
  }
}
