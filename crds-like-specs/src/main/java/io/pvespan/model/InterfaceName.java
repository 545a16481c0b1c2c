package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A Linux network interface name that is safe to hand to {@code ip} and {@code tc} as one argument:
 * 1..15 characters (IFNAMSIZ - 1) from {@code [A-Za-z0-9_.-]}, not starting with a dash or dot.
 * Stricter than the kernel (which allows most bytes) on purpose: an invalid value cannot exist, so
 * no shell metacharacter, space or option can ever reach a command line.
 */
public record InterfaceName(String value) implements Comparable<InterfaceName> {
  public static final int MAX_LENGTH = 15;

  public InterfaceName {
    if (!valid(value)) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a Linux interface name (1-15 of A-Z a-z 0-9 _ . -)");
    }
  }

  /**
   * {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,14}}, checked by hand: the planner builds tens of thousands
   * of names per plan, and a regex match per name was a tenth of its time.
   */
  private static boolean valid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean word =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      if (!word && (i == 0 || (c != '.' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  @JsonCreator
  public static InterfaceName of(String value) {
    return new InterfaceName(value);
  }

  /**
   * The host device Proxmox creates for a guest NIC: {@code tap{vmid}i{n}} or {@code
   * veth{vmid}i{n}}.
   */
  public static InterfaceName forGuestNic(GuestType type, VmId vmid, NicId nic) {
    return new InterfaceName(type.devicePrefix() + vmid.value() + "i" + nic.index());
  }

  @JsonValue
  public String value() {
    return value;
  }

  @Override
  public int compareTo(InterfaceName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
