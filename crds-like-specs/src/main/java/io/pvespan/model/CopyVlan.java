package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A session's {@code vlan}: copies reach the sensor with an 802.1Q tag, either a fixed VLAN id
 * ({@code vlan: 100}, 1..4094: one id per session, so one sensor NIC tells sessions apart) or
 * {@code vlan: source}: the {@code tag=} of the mirrored NIC's Proxmox config (copies of an
 * untagged NIC stay untagged), so the sensor tells the guests' networks apart.
 */
public record CopyVlan(Integer id) {
  public static final int MIN_ID = 1;
  public static final int MAX_ID = 4094;

  public CopyVlan {
    if (id != null && (id < MIN_ID || id > MAX_ID)) {
      throw new IllegalArgumentException("vlan " + id + " is outside 1..4094");
    }
  }

  /** The NIC's own {@code tag=}. */
  public static CopyVlan source() {
    return new CopyVlan(null);
  }

  @JsonCreator
  public static CopyVlan parse(Object value) {
    if ("source".equals(value)) {
      return source();
    }
    if (value instanceof Integer i) {
      return new CopyVlan(i);
    }
    throw new IllegalArgumentException("vlan '" + value + "' is not source or a VLAN id 1..4094");
  }

  public boolean fromSource() {
    return id == null;
  }

  @JsonValue
  public Object json() {
    return id == null ? "source" : id;
  }
}
