package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A Proxmox guest id. Proxmox allows 100..999999999 (pve-common {@code pve-vmid} format). */
public record VmId(int value) implements Comparable<VmId> {
  public static final int MIN = 100;
  public static final int MAX = 999_999_999;

  public VmId {
    if (value < MIN || value > MAX) {
      throw new IllegalArgumentException(
          "vmid " + value + " is outside " + MIN + ".." + MAX + " (Proxmox's range)");
    }
  }

  @JsonCreator
  public static VmId of(int value) {
    return new VmId(value);
  }

  @JsonValue
  public int value() {
    return value;
  }

  @Override
  public int compareTo(VmId o) {
    return Integer.compare(value, o.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
