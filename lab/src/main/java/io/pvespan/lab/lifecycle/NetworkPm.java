package io.pvespan.lab.lifecycle;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host-side functions of pve-common {@code src/PVE/Network.pm} (commit 057f62f7), in their
 * order, rendered into a {@link Plan}. Left out, because the lab has no counterpart: {@code
 * disable_ipv6} and {@code copy_bridge_config} (sysfs writes, no process), {@code ovs-vsctl
 * del-port} (no Open vSwitch; Proxmox ignores its failure), MAC-learning-off bridges ({@code
 * add_bridge_fdb}) and port isolation (not read from {@code /etc/network/interfaces} here), trunks.
 */
final class NetworkPm {
  static final String SRC = "pve-common src/PVE/Network.pm ";
  private static final Pattern TAP_NAME = Pattern.compile("^(?:tap|veth)(\\d+)i(\\d+)$");

  private NetworkPm() {}

  /** {@code tap_create}: {@code ip link set TAP up promisc on mtu BRIDGE_MTU}. */
  static void tapCreate(Plan p, String iface, String bridge) {
    int mtu = p.bridgeMtu(bridge);
    p.ip(
        false,
        Actor.PROXMOX,
        SRC + "tap_create",
        "link",
        "set",
        iface,
        "up",
        "promisc",
        "on",
        "mtu",
        Integer.toString(mtu));
  }

  /** {@code veth_create}: the pair (if absent) with the bridge's MTU, both ends up. */
  static void vethCreate(Plan p, String veth, String peer, String bridge, String mac) {
    int mtu = p.bridgeMtu(bridge);
    String m = Integer.toString(mtu);
    if (!p.exists(veth)) {
      if (mac == null) {
        p.ip(
            false,
            Actor.PROXMOX,
            SRC + "veth_create",
            "link",
            "add",
            "name",
            veth,
            "mtu",
            m,
            "type",
            "veth",
            "peer",
            "name",
            peer,
            "mtu",
            m);
      } else {
        p.ip(
            false,
            Actor.PROXMOX,
            SRC + "veth_create",
            "link",
            "add",
            "name",
            veth,
            "mtu",
            m,
            "type",
            "veth",
            "peer",
            "name",
            peer,
            "mtu",
            m,
            "addr",
            mac);
      }
      p.created(veth, mtu, "veth");
      p.created(peer, mtu, "veth");
    }
    p.ip(false, Actor.PROXMOX, SRC + "veth_create", "link", "set", veth, "up", "mtu", m);
    p.ip(false, Actor.PROXMOX, SRC + "veth_create", "link", "set", peer, "up", "mtu", m);
  }

  /** {@code veth_delete}: delete if present, then {@code eval { tap_unplug }}. */
  static void vethDelete(Plan p, String veth, String peer) {
    if (p.exists(veth)) {
      p.ip(false, Actor.PROXMOX, SRC + "iface_delete", "link", "delete", "dev", veth);
      p.deleted(veth, peer);
    }
    p.eval(() -> tapUnplug(p, veth));
  }

  /** {@code tap_plug} on a Linux bridge, ending with {@code tap_rate_limit}. */
  static void tapPlug(Plan p, NicConfig nic, Optional<String> counterDev) {
    String iface = nic.hostDevice();
    String bridge = nic.bridge();
    Integer tag = nic.tag();
    if (!p.link(bridge).map(NodeView.Link::isBridge).orElse(false)) {
      throw p.die("bridge '" + bridge + "' is neither a linux nor an OVS bridge!");
    }
    cleanupFirewallBridge(p, iface); // "remove stale devices"
    if (!p.vlanAware(bridge)) {
      bridge = BridgeVlan.activate(p, bridge, tag);
      tag = null;
    }
    if (nic.firewall()) {
      createFirewallBridgeLinux(p, nic, bridge, tag);
    } else {
      bridgeAddInterface(p, bridge, iface, tag);
    }
    RateLimit.tapRateLimit(p, iface, nic.rateMBps(), counterDev);
  }

  /** {@code tap_unplug}: off its bridge (if a port), then the firewall bridge's devices. */
  static void tapUnplug(Plan p, String iface) {
    if (p.link(iface).map(NodeView.Link::master).isPresent()) {
      p.ip(
          false,
          Actor.PROXMOX,
          SRC + "tap_unplug/iface_set_master",
          "link",
          "set",
          iface,
          "nomaster");
      p.setMaster(iface, null);
    }
    cleanupFirewallBridge(p, iface);
  }

  /** {@code $cleanup_firewall_bridge}: fwln (with its peer fwpr), then fwbr. */
  private static void cleanupFirewallBridge(Plan p, String iface) {
    Matcher m = TAP_NAME.matcher(iface);
    if (!m.matches()) {
      return;
    }
    String vmid = m.group(1);
    String dev = m.group(2);
    String fwbr = "fwbr" + vmid + "i" + dev;
    vethDelete(p, "fwln" + vmid + "i" + dev, "fwpr" + vmid + "p" + dev);
    if (p.exists(fwbr)) {
      p.ip(
          false,
          Actor.PROXMOX,
          SRC + "$cleanup_firewall_bridge/iface_delete",
          "link",
          "delete",
          "dev",
          fwbr);
      p.deleted(fwbr, null);
    }
  }

  /** {@code $create_firewall_bridge_linux}. */
  private static void createFirewallBridgeLinux(Plan p, NicConfig nic, String bridge, Integer tag) {
    String origin = SRC + "$create_firewall_bridge_linux";
    int mtu = p.bridgeMtu(bridge);
    String fwbr = nic.fwbr();
    if (!p.exists(fwbr)) { // $cond_create_bridge
      p.ip(false, Actor.PROXMOX, origin + "/iface_create", "link", "add", fwbr, "type", "bridge");
      p.created(fwbr, 1500, "bridge");
    }
    p.ip(
        false,
        Actor.PROXMOX,
        origin + "/$activate_interface",
        "link",
        "set",
        fwbr,
        "up",
        "mtu",
        Integer.toString(mtu));
    p.created(fwbr, mtu, "bridge");
    vethCreate(p, nic.fwln(), nic.fwpr(), bridge, null);
    bridgeAddInterface(p, bridge, nic.fwpr(), tag);
    bridgeAddInterface(p, fwbr, nic.fwln(), null);
    bridgeAddInterface(p, fwbr, nic.hostDevice(), null);
  }

  /**
   * {@code $bridge_add_interface}: MTU (tolerated), master, and on a VLAN-aware bridge the pvid.
   */
  static void bridgeAddInterface(Plan p, String bridge, String iface, Integer tag) {
    String origin = SRC + "$bridge_add_interface";
    int mtu = p.bridgeMtu(bridge);
    p.ip(true, Actor.PROXMOX, origin, "link", "set", iface, "mtu", Integer.toString(mtu));
    p.ip(
        false, Actor.PROXMOX, origin + "/iface_set_master", "link", "set", iface, "master", bridge);
    p.setMaster(iface, bridge);
    if (p.vlanAware(bridge)) {
      p.bridge(false, origin, "vlan", "del", "dev", iface, "vid", "1-4094");
      if (tag == null) {
        p.bridge(false, origin, "vlan", "add", "dev", iface, "vid", "2-4094");
      }
      String pvid = tag == null ? "1" : tag.toString();
      p.bridge(false, origin, "vlan", "add", "dev", iface, "vid", pvid, "pvid", "untagged");
    }
  }
}
