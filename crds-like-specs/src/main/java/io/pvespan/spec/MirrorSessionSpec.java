package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.Sample;
import java.util.List;
import java.util.Objects;

/**
 * {@code spec} of a MirrorSession; defaults: direction both, encapsulation auto, no filter, no
 * sampling ({@code sample} null: every accepted frame is copied).
 */
public record MirrorSessionSpec(
    SourceSelector sources,
    Direction direction,
    String sensorRef,
    Encapsulation encapsulation,
    List<FilterRule> filter,
    @JsonInclude(JsonInclude.Include.NON_NULL) Sample sample,
    Boolean paused) {
  public MirrorSessionSpec {
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(sensorRef, "sensorRef");
    direction = direction == null ? Direction.BOTH : direction;
    encapsulation = encapsulation == null ? Encapsulation.AUTO : encapsulation;
    filter = filter == null ? List.of() : List.copyOf(filter);
    paused = paused != null && paused;
  }

  /** A session without sampling. */
  public MirrorSessionSpec(
      SourceSelector sources,
      Direction direction,
      String sensorRef,
      Encapsulation encapsulation,
      List<FilterRule> filter,
      Boolean paused) {
    this(sources, direction, sensorRef, encapsulation, filter, null, paused);
  }

  public boolean isPaused() {
    return paused;
  }
}
