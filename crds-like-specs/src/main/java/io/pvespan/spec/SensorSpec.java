package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Exactly one of {@code vm} (a guest in the cluster) or {@code remote} (a collector outside). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SensorSpec(SensorVm vm, RemoteCollector remote) {
  public SensorSpec {
    if ((vm == null) == (remote == null)) {
      throw new IllegalArgumentException("a Sensor has exactly one of spec.vm or spec.remote");
    }
  }
}
