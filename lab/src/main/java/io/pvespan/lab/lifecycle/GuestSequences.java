package io.pvespan.lab.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * Proxmox's host-side sequences for one guest NIC, rendered from the node's links (pure: no I/O).
 * Each step names the Proxmox code it reproduces. A VM is a namespace whose {@code ethN} is the
 * peer of the host-side veth named as Proxmox names the tap.
 */
public final class GuestSequences {
  private static final String PVE_BRIDGE = "qemu-server src/usr/pve-bridge";
  private static final String BRIDGEDOWN = "qemu-server src/usr/pve-bridgedown (QEMU downscript)";

  private GuestSequences() {}

  /**
   * VM start, for one NIC: QEMU opens the tap, runs {@code pve-bridge} ({@code tap_create}, {@code
   * tap_plug} ending with {@code tap_rate_limit}), then the guest brings its NIC up.
   */
  public static PlannedSequence vmStart(
      String nodeNs, NodeView view, NicConfig nic, String vmNs, DriverOptions o) {
    return plugNew("vm-start", PVE_BRIDGE, nodeNs, view, nic, vmNs, o);
  }

  /** NIC hotplug ({@code netdev_add} with {@code pve-bridge-hotplug}): as {@link #vmStart}. */
  public static PlannedSequence nicHotplug(
      String nodeNs, NodeView view, NicConfig nic, String vmNs, DriverOptions o) {
    return plugNew("nic-hotplug", PVE_BRIDGE + " --hotplug", nodeNs, view, nic, vmNs, o);
  }

  /**
   * NIC hot-unplug ({@code vm_deviceunplug}, {@code netdev_del}): QEMU's downscript {@code
   * pve-bridgedown} runs {@code tap_unplug}, then QEMU closes the tap, which deletes it.
   */
  public static PlannedSequence nicUnplug(String nodeNs, NodeView view, NicConfig nic) {
    Plan p = new Plan(nodeNs, view);
    return PlannedSequence.render("nic-unplug", p, () -> unplug(p, nic, BRIDGEDOWN));
  }

  /** VM stop (QEMU quits; {@code vm_stop}), for one NIC: the same as {@link #nicUnplug}. */
  public static PlannedSequence vmStop(String nodeNs, NodeView view, NicConfig nic) {
    Plan p = new Plan(nodeNs, view);
    return PlannedSequence.render("vm-stop", p, () -> unplug(p, nic, BRIDGEDOWN));
  }

  /** Live {@code rate=} change alone (qemu-server {@code vmconfig_update_net}). */
  public static PlannedSequence rateChange(
      String nodeNs, NodeView view, NicConfig nic, DriverOptions o) {
    Plan p = new Plan(nodeNs, view);
    return PlannedSequence.render(
        "rate-change",
        p,
        () -> RateLimit.tapRateLimit(p, nic.hostDevice(), nic.rateMBps(), o.counterDevice()));
  }

  /**
   * Live change of bridge, tag, trunks or firewall (qemu-server {@code vmconfig_update_net}, also
   * pve-container {@code update_net}): {@code tap_unplug} then {@code tap_plug} with the new config
   * (which re-runs the rate limit). The tap stays.
   */
  public static PlannedSequence bridgeChange(
      String nodeNs, NodeView view, NicConfig newNic, DriverOptions o) {
    Plan p = new Plan(nodeNs, seen(view, newNic, o));
    return PlannedSequence.render(
        "bridge-change",
        p,
        () -> {
          NetworkPm.tapUnplug(p, newNic.hostDevice());
          NetworkPm.tapPlug(p, newNic, o.counterDevice());
        });
  }

  /**
   * Live change of model, MAC, queues or MTU ({@code vmconfig_update_net}: {@code vm_deviceunplug},
   * then {@code vm_deviceplug}): the old tap is unplugged and deleted, a new one created and
   * plugged.
   */
  public static PlannedSequence nicReplace(
      String nodeNs, NodeView view, NicConfig newNic, String vmNs, DriverOptions o) {
    Plan p = new Plan(nodeNs, seen(view, newNic, o));
    return PlannedSequence.render(
        "nic-replace",
        p,
        () -> {
          unplug(p, newNic, BRIDGEDOWN);
          plugSteps(p, PVE_BRIDGE + " --hotplug", newNic, vmNs, o);
        });
  }

  static PlannedSequence plugNew(
      String name,
      String script,
      String nodeNs,
      NodeView view,
      NicConfig nic,
      String vmNs,
      DriverOptions o) {
    Plan p = new Plan(nodeNs, seen(view, nic, o));
    return PlannedSequence.render(name, p, () -> plugSteps(p, script, nic, vmNs, o));
  }

  private static void plugSteps(
      Plan p, String script, NicConfig nic, String vmNs, DriverOptions o) {
    String tap = nic.hostDevice();
    p.ip(
        false,
        Actor.GUEST_RUNTIME,
        "QEMU opens the tap (lab: veth, peer is the VM's NIC)",
        "link",
        "add",
        tap,
        "type",
        "veth",
        "peer",
        "name",
        nic.guestDevice(),
        "netns",
        vmNs,
        "address",
        nic.mac());
    p.created(tap, 1500, "veth");
    NetworkPm.tapCreate(p, tap, nic.bridge());
    p.created(tap, p.bridgeMtu(nic.bridge()), "veth");
    NetworkPm.tapPlug(p, nic, o.counterDevice());
    guestLinkUp(p, vmNs, nic);
  }

  static void guestLinkUp(Plan p, String guestNs, NicConfig nic) {
    var argv =
        new ArrayList<>(List.of(Plan.IP, "-n", guestNs, "link", "set", nic.guestDevice(), "up"));
    if (nic.mtu() != null) {
      argv.addAll(List.of("mtu", nic.mtu().toString()));
    }
    p.raw(new ProxmoxCommand(argv, false, Actor.GUEST_RUNTIME, "the guest brings its NIC up", ""));
  }

  static void unplug(Plan p, NicConfig nic, String origin) {
    NetworkPm.tapUnplug(p, nic.hostDevice());
    p.ip(
        false,
        Actor.GUEST_RUNTIME,
        "QEMU closes the tap after " + origin,
        "link",
        "delete",
        "dev",
        nic.hostDevice());
    p.deleted(nic.hostDevice(), null);
  }

  static NodeView seen(NodeView view, NicConfig nic, DriverOptions o) {
    return o.assumeVlanAware() ? view.withVlanAware(nic.bridge()) : view;
  }
}
