package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A VXLAN/Geneve network identifier: 24 bits, 1..16777215 (0 is reserved here). */
public record Vni(int value) implements Comparable<Vni> {
  public static final int MAX = 16_777_215;

  public Vni {
    if (value < 1 || value > MAX) {
      throw new IllegalArgumentException("VNI " + value + " is outside 1.." + MAX);
    }
  }

  @JsonCreator
  public static Vni of(int value) {
    return new Vni(value);
  }

  @JsonValue
  public int value() {
    return value;
  }

  @Override
  public int compareTo(Vni o) {
    return Integer.compare(value, o.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
