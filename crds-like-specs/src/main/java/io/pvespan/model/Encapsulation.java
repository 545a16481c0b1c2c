package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How mirrored frames cross to another host. {@code overheadBytes} is what the outer headers add to
 * a frame on an IPv4 underlay (VXLAN: 14 inner Ethernet + 8 VXLAN + 8 UDP + 20 IP = 50).
 */
public enum Encapsulation {
  AUTO(50, false),
  VXLAN(50, false),
  GRETAP(38, true),
  GRE(24, true),
  ERSPAN(50, true),
  GENEVE(50, false);

  private final int overheadBytes;
  private final boolean keyed;

  Encapsulation(int overheadBytes, boolean keyed) {
    this.overheadBytes = overheadBytes;
    this.keyed = keyed;
  }

  /** AUTO means VXLAN: the one tunnel every kernel we support has. */
  public Encapsulation resolve() {
    return this == AUTO ? VXLAN : this;
  }

  public int overheadBytes() {
    return overheadBytes;
  }

  /** GRE-family tunnels are identified by a 32-bit key; VXLAN and Geneve by a 24-bit VNI. */
  public boolean keyed() {
    return keyed;
  }

  @JsonCreator
  public static Encapsulation parse(String text) {
    for (Encapsulation e : values()) {
      if (e.json().equals(text)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "encapsulation '" + text + "' is not auto, vxlan, gretap, gre, erspan or geneve");
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
