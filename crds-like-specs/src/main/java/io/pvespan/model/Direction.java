package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which traffic of a guest NIC is mirrored, <b>seen from the VM</b>. The host device is the other
 * end of the wire: what the VM receives (INGRESS) leaves the tap, so it is tc <em>egress</em> on
 * the tap; what the VM sends (EGRESS) enters the tap, tc <em>ingress</em>.
 */
public enum Direction {
  BOTH,
  INGRESS,
  EGRESS;

  /** The VM receives this traffic: it is seen at tc egress (root qdisc) of the host device. */
  public boolean includesVmIngress() {
    return this != EGRESS;
  }

  /** The VM sends this traffic: it is seen at tc ingress of the host device. */
  public boolean includesVmEgress() {
    return this != INGRESS;
  }

  @JsonCreator
  public static Direction parse(String text) {
    for (Direction d : values()) {
      if (d.json().equals(text)) {
        return d;
      }
    }
    throw new IllegalArgumentException("direction '" + text + "' is not both, ingress or egress");
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
