package io.pvespan.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What a host device name says about a guest NIC: Proxmox names them {@code tap{vmid}i{n}} (qemu)
 * and {@code veth{vmid}i{n}} (lxc), and a device reported by an agent is mapped back to its guest
 * by name alone. The inverse of {@link InterfaceName#forGuestNic}.
 */
public record GuestNicDevice(GuestType type, VmId vmid, NicId nic) {
  public GuestNicDevice {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(vmid, "vmid");
    Objects.requireNonNull(nic, "nic");
  }

  /**
   * The guest NIC a device name stands for; empty for any other device ({@code vmbr0}, {@code
   * fwpr101p0}, a vmid or NIC index out of Proxmox's range, leading zeros).
   */
  public static Optional<GuestNicDevice> parse(InterfaceName device) {
    String name = device.value();
    for (GuestType type : GuestType.values()) {
      String prefix = type.devicePrefix();
      if (!name.startsWith(prefix)) {
        continue;
      }
      int i = name.indexOf('i', prefix.length());
      if (i < 0) {
        return Optional.empty();
      }
      Integer vmid = number(name.substring(prefix.length(), i), 9);
      Integer nic = number(name.substring(i + 1), 2);
      if (vmid == null || nic == null || vmid < VmId.MIN || nic > NicId.MAX_INDEX) {
        return Optional.empty();
      }
      return Optional.of(new GuestNicDevice(type, new VmId(vmid), new NicId(nic)));
    }
    return Optional.empty();
  }

  /** The device's name. */
  public InterfaceName device() {
    return InterfaceName.forGuestNic(type, vmid, nic);
  }

  /** Decimal digits without a leading zero (other than "0" itself), at most {@code maxDigits}. */
  private static Integer number(String s, int maxDigits) {
    if (s.isEmpty() || s.length() > maxDigits || (s.length() > 1 && s.charAt(0) == '0')) {
      return null;
    }
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) < '0' || s.charAt(k) > '9') {
        return null;
      }
    }
    return Integer.parseInt(s);
  }
}
