package io.pvespan.lab.lifecycle;

/** The two kinds of Proxmox guests, and the prefix Proxmox gives their host-side device. */
public enum GuestKind {
  /** qemu-server: {@code tap<vmid>i<n>} (qemu-server {@code src/usr/pve-bridge}). */
  QEMU("tap"),
  /** pve-container: {@code veth<vmid>i<n>} (pve-container {@code src/lxcnetaddbr}). */
  LXC("veth");

  private final String devicePrefix;

  GuestKind(String devicePrefix) {
    this.devicePrefix = devicePrefix;
  }

  public String devicePrefix() {
    return devicePrefix;
  }
}
