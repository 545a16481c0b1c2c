package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pvespan.model.Bandwidth;
import io.pvespan.model.CopyVlan;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.Sample;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code spec} of a MirrorSession; defaults: direction both, encapsulation auto, no filter, no
 * sampling ({@code sample} null: every accepted frame is copied), each packet once per sensor
 * ({@code duplicates: suppress}), no priority.
 *
 * <p>{@code priority} (1..32766, lower first, like an AWS mirror session number) decides which of
 * two sessions copying the same device and side to the same sensor takes a packet both would copy;
 * sessions without one come after those with one, by name.
 *
 * <p>{@code snaplen} (copies cut to their first N bytes), {@code budget} (copies held to a rate per
 * source node) and {@code vlan} (copies tagged): the copy conditioner; null when not asked for.
 */
public record MirrorSessionSpec(
    SourceSelector sources,
    Direction direction,
    String sensorRef,
    Encapsulation encapsulation,
    List<FilterRule> filter,
    @JsonInclude(JsonInclude.Include.NON_NULL) Sample sample,
    Boolean paused,
    Duplicates duplicates,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer priority,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer snaplen,
    @JsonInclude(JsonInclude.Include.NON_NULL) Bandwidth budget,
    @JsonInclude(JsonInclude.Include.NON_NULL) CopyVlan vlan) {
  public static final int MAX_PRIORITY = 32766;

  /** Below this a copy would lose even an Ethernet + IPv4 + TCP header. */
  public static final int MIN_SNAPLEN = 64;

  /** The agent's eBPF program is handed 16 bits (the tc filter's classid minor). */
  public static final int MAX_SNAPLEN = 65535;

  public MirrorSessionSpec {
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(sensorRef, "sensorRef");
    direction = direction == null ? Direction.BOTH : direction;
    encapsulation = encapsulation == null ? Encapsulation.AUTO : encapsulation;
    filter = filter == null ? List.of() : List.copyOf(filter);
    paused = paused != null && paused;
    duplicates = duplicates == null ? Duplicates.SUPPRESS : duplicates;
    if (priority != null && (priority < 1 || priority > MAX_PRIORITY)) {
      throw new IllegalArgumentException("priority " + priority + " is outside 1.." + MAX_PRIORITY);
    }
    if (snaplen != null && (snaplen < MIN_SNAPLEN || snaplen > MAX_SNAPLEN)) {
      throw new IllegalArgumentException(
          "snaplen " + snaplen + " is outside " + MIN_SNAPLEN + ".." + MAX_SNAPLEN);
    }
  }

  /** A session without a copy conditioner. */
  public MirrorSessionSpec(
      SourceSelector sources,
      Direction direction,
      String sensorRef,
      Encapsulation encapsulation,
      List<FilterRule> filter,
      Sample sample,
      Boolean paused,
      Duplicates duplicates,
      Integer priority) {
    this(
        sources,
        direction,
        sensorRef,
        encapsulation,
        filter,
        sample,
        paused,
        duplicates,
        priority,
        null,
        null,
        null);
  }

  /** A session with sampling, each packet once per sensor, no priority. */
  public MirrorSessionSpec(
      SourceSelector sources,
      Direction direction,
      String sensorRef,
      Encapsulation encapsulation,
      List<FilterRule> filter,
      Sample sample,
      Boolean paused) {
    this(sources, direction, sensorRef, encapsulation, filter, sample, paused, null, null);
  }

  /** A session without sampling, each packet once per sensor, no priority. */
  public MirrorSessionSpec(
      SourceSelector sources,
      Direction direction,
      String sensorRef,
      Encapsulation encapsulation,
      List<FilterRule> filter,
      Boolean paused) {
    this(sources, direction, sensorRef, encapsulation, filter, null, paused, null, null);
  }

  public boolean isPaused() {
    return paused;
  }

  /** suppress: each packet reaches the sensor once; allow: this session copies all it selects. */
  public enum Duplicates {
    SUPPRESS,
    ALLOW;

    @JsonCreator
    public static Duplicates parse(String text) {
      for (Duplicates d : values()) {
        if (d.json().equals(text)) {
          return d;
        }
      }
      throw new IllegalArgumentException("duplicates '" + text + "' is not suppress or allow");
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
