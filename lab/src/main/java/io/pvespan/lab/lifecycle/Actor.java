package io.pvespan.lab.lifecycle;

/** Who runs a command on a real host: decides what its failure means. */
public enum Actor {
  /**
   * Proxmox's own Perl (pve-common, qemu-server, pve-container): reproduced command for command.
   */
  PROXMOX,
  /**
   * QEMU, liblxc or the guest OS, which act through syscalls or netlink on a real host (tap open,
   * veth pair, link up); the lab renders them as the nearest {@code ip} command.
   */
  GUEST_RUNTIME,
  /** Lab machinery with no counterpart on a real host (parking namespaces, the switchover). */
  LAB
}
