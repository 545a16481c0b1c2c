package io.pvespan.lab.lifecycle;

/**
 * pve-container's host-side sequences for one NIC on {@code veth<vmid>i<n>}, rendered from the
 * node's links (pure). The container is a namespace; its side of the pair is {@code ethN} (LXC's
 * {@code name=}).
 */
public final class ContainerSequences {
  private static final String ADDBR = "pve-container src/lxcnetaddbr (lxc.net.N.script.up)";

  private ContainerSequences() {}

  /**
   * Container start: liblxc creates the pair and moves its peer into the container as {@code ethN}
   * (lxc.net.N.veth.pair, hwaddr), then runs {@code lxcnetaddbr}: link up with the bridge's MTU,
   * {@code ip addr add 0.0.0.0/0}, {@code tap_plug} (with the rate), then the container's init
   * brings {@code ethN} up.
   */
  public static PlannedSequence ctStart(
      String nodeNs, NodeView view, NicConfig nic, String ctNs, DriverOptions o) {
    NicConfig ct = nic.asKind(GuestKind.LXC);
    Plan p = new Plan(nodeNs, GuestSequences.seen(view, ct, o));
    return PlannedSequence.render(
        "ct-start",
        p,
        () -> {
          String veth = ct.hostDevice();
          p.ip(
              false,
              Actor.GUEST_RUNTIME,
              "liblxc creates the veth pair",
              "link",
              "add",
              veth,
              "type",
              "veth",
              "peer",
              "name",
              ct.guestDevice(),
              "netns",
              ctNs,
              "address",
              ct.mac());
          p.created(veth, 1500, "veth");
          String mtu = Integer.toString(p.bridgeMtu(ct.bridge()));
          p.ip(false, Actor.PROXMOX, ADDBR, "link", "set", "dev", veth, "up", "mtu", mtu);
          p.ip(false, Actor.PROXMOX, ADDBR, "addr", "add", "0.0.0.0/0", "dev", veth);
          NetworkPm.tapPlug(p, ct, o.counterDevice());
          GuestSequences.guestLinkUp(p, ctNs, ct);
        });
  }

  /**
   * Container NIC hotplug (pve-container {@code src/PVE/LXC.pm} {@code hotplug_net}): {@code
   * veth_create(vethXiN, vethXiNp, bridge, hwaddr)}, {@code tap_plug}, then {@code lxc-device add}
   * moves the peer into the container as {@code ethN} and {@code lxc-attach} brings it up.
   */
  public static PlannedSequence ctHotplug(
      String nodeNs, NodeView view, NicConfig nic, String ctNs, DriverOptions o) {
    NicConfig ct = nic.asKind(GuestKind.LXC);
    Plan p = new Plan(nodeNs, GuestSequences.seen(view, ct, o));
    return PlannedSequence.render(
        "ct-hotplug",
        p,
        () -> {
          String veth = ct.hostDevice();
          NetworkPm.vethCreate(p, veth, veth + "p", ct.bridge(), ct.mac());
          NetworkPm.tapPlug(p, ct, o.counterDevice());
          p.ip(
              false,
              Actor.GUEST_RUNTIME,
              "pve-container LXC.pm hotplug_net: lxc-device add",
              "link",
              "set",
              veth + "p",
              "netns",
              ctNs,
              "name",
              ct.guestDevice());
          p.deleted(veth + "p", null);
          GuestSequences.guestLinkUp(p, ctNs, ct);
        });
  }

  /**
   * Container stop: the container's network namespace goes away with its end of the pair (lab:
   * {@code ip link delete}), then {@code lxc-pve-poststop-hook} runs {@code veth_delete} (delete if
   * still present, then {@code eval { tap_unplug }}: the firewall bridge's devices).
   */
  public static PlannedSequence ctStop(String nodeNs, NodeView view, NicConfig nic) {
    NicConfig ct = nic.asKind(GuestKind.LXC);
    Plan p = new Plan(nodeNs, view);
    return PlannedSequence.render(
        "ct-stop",
        p,
        () -> {
          p.ip(
              false,
              Actor.GUEST_RUNTIME,
              "liblxc: the container's netns is destroyed",
              "link",
              "delete",
              "dev",
              ct.hostDevice());
          p.deleted(ct.hostDevice(), null);
          NetworkPm.vethDelete(p, ct.hostDevice(), null);
        });
  }
}
