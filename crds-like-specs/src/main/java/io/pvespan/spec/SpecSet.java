package io.pvespan.spec;

import java.util.Comparator;
import java.util.List;

/** A validated set of specs: names unique per kind, every sensorRef resolves. Sorted by name. */
public record SpecSet(List<Sensor> sensors, List<MirrorSession> sessions) {
  public SpecSet {
    sensors = sensors.stream().sorted(Comparator.comparing(Sensor::name)).toList();
    sessions = sessions.stream().sorted(Comparator.comparing(MirrorSession::name)).toList();
  }

  public static SpecSet empty() {
    return new SpecSet(List.of(), List.of());
  }
}
