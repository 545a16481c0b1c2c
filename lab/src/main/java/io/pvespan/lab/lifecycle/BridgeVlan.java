package io.pvespan.lab.lifecycle;

import java.util.regex.Pattern;

/**
 * pve-common {@code src/PVE/Network.pm} {@code activate_bridge_vlan} and {@code
 * activate_bridge_vlan_slave}: a {@code tag=} on a bridge without VLAN filtering becomes a bridge
 * {@code vmbrXvTAG} over {@code PORT.TAG} VLAN devices of the bridge's physical ports.
 */
final class BridgeVlan {
  /** PVE::INotify {@code $PHYSICAL_NIC_RE}: the ports that get a VLAN device. */
  private static final Pattern PHYSICAL = Pattern.compile("^(?:eth\\d+|en[^:.]+|ib[^:.]+)$");

  private BridgeVlan() {}

  /** {@code activate_bridge_vlan}: a tag on a non-VLAN-aware bridge means bridge vmbrXvTAG. */
  static String activate(Plan p, String bridge, Integer tag) {
    if (tag == null) {
      return bridge;
    }
    String origin = NetworkPm.SRC + "activate_bridge_vlan";
    String bridgeVlan = bridge + "v" + tag;
    var physical = p.portsOf(bridge).stream().filter(n -> PHYSICAL.matcher(n).matches()).toList();
    if (physical.isEmpty()) {
      throw p.die("no physical interface on bridge '" + bridge + "'");
    }
    if (!p.exists(bridgeVlan)) {
      p.ip(
          false,
          Actor.PROXMOX,
          origin + "/iface_create",
          "link",
          "add",
          bridgeVlan,
          "type",
          "bridge");
      p.created(bridgeVlan, 1500, "bridge");
    }
    int mtu = p.bridgeMtu(bridge);
    p.ip(true, Actor.PROXMOX, origin, "link", "set", bridgeVlan, "mtu", Integer.toString(mtu));
    p.created(bridgeVlan, mtu, "bridge");
    for (String iface : physical) {
      slave(p, bridgeVlan, iface, tag);
    }
    p.ip(false, Actor.PROXMOX, origin + "/$activate_interface", "link", "set", bridgeVlan, "up");
    return bridgeVlan;
  }

  /** {@code activate_bridge_vlan_slave}: IFACE.TAG (if absent), up, into vmbrXvTAG. */
  private static void slave(Plan p, String bridgeVlan, String iface, int tag) {
    String origin = NetworkPm.SRC + "activate_bridge_vlan_slave";
    String ifaceVlan = iface + "." + tag;
    if (!p.exists(ifaceVlan)) {
      p.ip(
          false,
          Actor.PROXMOX,
          origin,
          "link",
          "add",
          "link",
          iface,
          "name",
          ifaceVlan,
          "type",
          "vlan",
          "id",
          Integer.toString(tag));
      p.created(ifaceVlan, 1500, "vlan");
    }
    p.ip(false, Actor.PROXMOX, origin + "/$activate_interface", "link", "set", ifaceVlan, "up");
    String master = p.link(ifaceVlan).map(NodeView.Link::master).orElse(null);
    if (master != null) {
      if (!master.equals(bridgeVlan)) {
        throw p.die("interface " + ifaceVlan + " already exist in bridge " + master);
      }
      return;
    }
    NetworkPm.bridgeAddInterface(p, bridgeVlan, ifaceVlan, null);
  }
}
