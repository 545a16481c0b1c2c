package io.pvespan.spec;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import java.util.List;
import java.util.Objects;

/** {@code spec} of a MirrorSession; defaults: direction both, encapsulation auto, no filter. */
public record MirrorSessionSpec(
    SourceSelector sources,
    Direction direction,
    String sensorRef,
    Encapsulation encapsulation,
    List<FilterRule> filter,
    Boolean paused) {
  public MirrorSessionSpec {
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(sensorRef, "sensorRef");
    direction = direction == null ? Direction.BOTH : direction;
    encapsulation = encapsulation == null ? Encapsulation.AUTO : encapsulation;
    filter = filter == null ? List.of() : List.copyOf(filter);
    paused = paused != null && paused;
  }

  public boolean isPaused() {
    return paused;
  }
}
