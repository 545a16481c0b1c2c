package io.pvespan.lab;

/**
 * A lab VM's NIC {@code net<index>}: {@code eth<index>} in the VM's namespace. A capture NIC (a
 * sensor's) has no address, is promiscuous and sits alone on the node's {@code vmbr9}, so that the
 * only bytes it receives are the ones mirrored to it; any other NIC has {@code
 * 198.19.<index>.<vmid>} on {@code vmbr0}.
 */
public record LabNic(int index, boolean capture) {
  public LabNic {
    if (index < 0 || index > 31) {
      throw new IllegalArgumentException("net" + index + " is outside net0..net31");
    }
  }

  public static LabNic plain(int index) {
    return new LabNic(index, false);
  }

  public static LabNic capture(int index) {
    return new LabNic(index, true);
  }

  /** The interface inside the VM. */
  public String vmDevice() {
    return "eth" + index;
  }

  /** The node bridge the host side is attached to. */
  public String bridge() {
    return capture ? LabTopology.CAPTURE_BRIDGE : LabTopology.VM_BRIDGE;
  }
}
