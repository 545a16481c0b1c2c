package io.pvespan.spec;

import java.util.Objects;

/** {@code kind: Sensor}: where mirrored traffic goes. */
public record Sensor(String apiVersion, String kind, ObjectMeta metadata, SensorSpec spec) {
  public static final String KIND = "Sensor";

  public Sensor {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(spec, "spec");
  }

  public static Sensor of(String name, SensorSpec spec) {
    return new Sensor(SpecApi.VERSION, KIND, new ObjectMeta(name), spec);
  }

  public String name() {
    return metadata.name();
  }
}
