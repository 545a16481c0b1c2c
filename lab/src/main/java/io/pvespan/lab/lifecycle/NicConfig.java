package io.pvespan.lab.lifecycle;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One guest NIC as Proxmox's {@code netN} option describes it, reduced to what the host side uses.
 *
 * @param kind QEMU VM or LXC container
 * @param vmid the guest id (100..999999999)
 * @param index N of {@code netN} (0..31)
 * @param bridge {@code bridge=}
 * @param tag {@code tag=} (1..4094) or null
 * @param firewall {@code firewall=1}: the fwbr/fwln/fwpr set (iptables firewall)
 * @param rateMBps {@code rate=} in MB/s or null (Proxmox multiplies by 1024*1024 for tc)
 * @param mtu {@code mtu=} or null; the guest side's MTU only. Proxmox gives the host device the
 *     bridge's MTU ({@code read_bridge_mtu} in {@code tap_create}/{@code veth_create}).
 * @param mac the guest's MAC ({@code virtio=MAC} / {@code hwaddr=})
 */
public record NicConfig(
    GuestKind kind,
    int vmid,
    int index,
    String bridge,
    Integer tag,
    boolean firewall,
    Double rateMBps,
    Integer mtu,
    String mac) {
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern MAC = Pattern.compile("([0-9A-F]{2}:){5}[0-9A-F]{2}");

  public NicConfig {
    Objects.requireNonNull(kind, "kind");
    if (vmid < 100 || vmid > 999_999_999) {
      throw new IllegalArgumentException("vmid out of range: " + vmid);
    }
    if (index < 0 || index > 31) {
      throw new IllegalArgumentException("nic index out of range: " + index);
    }
    if (bridge == null || !IFNAME.matcher(bridge).matches()) {
      throw new IllegalArgumentException("not an interface name: " + bridge);
    }
    if (tag != null && (tag < 1 || tag > 4094)) {
      throw new IllegalArgumentException("tag out of range: " + tag);
    }
    if (rateMBps != null && !(rateMBps > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + rateMBps);
    }
    if (mtu != null && (mtu < 576 || mtu > 65535)) {
      throw new IllegalArgumentException("mtu out of range: " + mtu);
    }
    mac = mac == null ? null : mac.toUpperCase(Locale.ROOT);
    if (mac == null || !MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("not a MAC address: " + mac);
    }
  }

  /** A VM NIC on {@code bridge} with Proxmox's defaults (no tag, firewall, rate or mtu). */
  public static NicConfig vm(int vmid, int index, String bridge, String mac) {
    return new NicConfig(GuestKind.QEMU, vmid, index, bridge, null, false, null, null, mac);
  }

  public NicConfig withTag(Integer newTag) {
    return new NicConfig(kind, vmid, index, bridge, newTag, firewall, rateMBps, mtu, mac);
  }

  public NicConfig withFirewall(boolean on) {
    return new NicConfig(kind, vmid, index, bridge, tag, on, rateMBps, mtu, mac);
  }

  public NicConfig withRate(Double newRateMBps) {
    return new NicConfig(kind, vmid, index, bridge, tag, firewall, newRateMBps, mtu, mac);
  }

  public NicConfig withBridge(String newBridge) {
    return new NicConfig(kind, vmid, index, newBridge, tag, firewall, rateMBps, mtu, mac);
  }

  public NicConfig withMac(String newMac) {
    return new NicConfig(kind, vmid, index, bridge, tag, firewall, rateMBps, mtu, newMac);
  }

  public NicConfig asKind(GuestKind newKind) {
    return new NicConfig(newKind, vmid, index, bridge, tag, firewall, rateMBps, mtu, mac);
  }

  /** {@code tap<vmid>i<n>} or {@code veth<vmid>i<n>}. */
  public String hostDevice() {
    return kind.devicePrefix() + vmid + "i" + index;
  }

  /** The guest-side name: {@code eth<n>} (LXC's {@code name=} default, the lab VM's NIC). */
  public String guestDevice() {
    return "eth" + index;
  }

  /** pve-common {@code $compute_fwbr_names}: the firewall bridge. */
  public String fwbr() {
    return "fwbr" + vmid + "i" + index;
  }

  /** pve-common {@code $compute_fwbr_names}: the fwbr side of the firewall veth. */
  public String fwln() {
    return "fwln" + vmid + "i" + index;
  }

  /** pve-common {@code $compute_fwbr_names}: the vmbr side of the firewall veth. */
  public String fwpr() {
    return "fwpr" + vmid + "p" + index;
  }
}
