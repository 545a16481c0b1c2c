package io.pvespan.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ip}/{@code ethtool} commands that make a {@link LabTopology} real. Package-private:
 * {@link Lab} is the public face (it also tears down on failure).
 */
final class LabBuilder {
  /** Room for VXLAN/GRE overhead on top of 1500-byte VM frames, as a real underlay would have. */
  static final int UNDERLAY_MTU = 9000;

  private static final String UL_BRIDGE = "br0";
  private static final String LAN_BRIDGE = "lan0";

  private final LabTopology topo;
  private final boolean guestOffloads;

  /**
   * @param guestOffloads leave TSO/GSO on guest NICs and their host devices (as real virtio guests
   *     and Proxmox taps have them): mirrors then copy GSO super-frames, so compare bytes
   */
  LabBuilder(LabTopology topo, boolean guestOffloads) {
    this.topo = topo;
    this.guestOffloads = guestOffloads;
  }

  void build() {
    namespace(topo.underlayNs());
    namespace(topo.controllerNs());
    topo.nodes().forEach(n -> namespace(topo.nodeNs(n.name())));
    topo.vms().forEach(vm -> namespace(topo.vmNs(vm.vmid())));

    String ul = topo.underlayNs();
    bridge(ul, UL_BRIDGE, UNDERLAY_MTU);
    bridge(ul, LAN_BRIDGE, null);
    underlayPort("ul-ctl", topo.controllerNs(), LabTopology.CONTROLLER_ADDRESS);
    for (LabNode node : topo.nodes()) {
      String ns = topo.nodeNs(node.name());
      underlayPort("ul-" + node.name(), ns, node.address());
      bridge(ns, LabTopology.VM_BRIDGE, null);
      bridge(ns, LabTopology.CAPTURE_BRIDGE, null);
      // The node's uplink into the VM LAN switch, so VMs on different nodes reach each other.
      ip(
          ul,
          "link",
          "add",
          "lan-" + node.name(),
          "type",
          "veth",
          "peer",
          "name",
          "lan0",
          "netns",
          ns);
      ip(ul, "link", "set", "lan-" + node.name(), "master", LAN_BRIDGE, "up");
      ip(ns, "link", "set", "lan0", "master", LabTopology.VM_BRIDGE, "up");
      offloadsOff(ul, "lan-" + node.name());
      offloadsOff(ns, "lan0");
    }
    topo.vms().forEach(this::plugVm);
  }

  /** Creates the VM's NIC pairs on its node and configures the VM side. */
  void plugVm(LabVm vm) {
    String node = topo.nodeNs(vm.node());
    String vmNs = topo.vmNs(vm.vmid());
    for (LabNic nic : vm.nics()) {
      String host = vm.hostDevice(nic);
      ip(node, "link", "add", host, "type", "veth", "peer", "name", nic.vmDevice(), "netns", vmNs);
      attach(vm, nic);
      if (nic.capture()) {
        ip(vmNs, "link", "set", nic.vmDevice(), "promisc", "on", "up");
      } else {
        ip(vmNs, "addr", "add", vm.address(nic.index()) + "/16", "dev", nic.vmDevice());
        ip(vmNs, "link", "set", nic.vmDevice(), "up");
      }
      guestDeviceOffloads(vmNs, nic.vmDevice());
    }
  }

  /** Deletes the VM's host devices (their VM-side peers go with them), as a VM stop does. */
  void unplugVm(LabVm vm) {
    for (LabNic nic : vm.nics()) {
      ip(topo.nodeNs(vm.node()), "link", "del", vm.hostDevice(nic));
    }
  }

  /** Moves the VM's host devices to {@code target}'s namespace and plugs them in there. */
  void moveVm(LabVm vm, LabVm target) {
    for (LabNic nic : vm.nics()) {
      ip(
          topo.nodeNs(vm.node()),
          "link",
          "set",
          vm.hostDevice(nic),
          "netns",
          topo.nodeNs(target.node()));
      attach(target, nic);
    }
  }

  private void attach(LabVm vm, LabNic nic) {
    String node = topo.nodeNs(vm.node());
    String host = vm.hostDevice(nic);
    ip(node, "link", "set", host, "master", nic.bridge(), "up");
    guestDeviceOffloads(node, host);
  }

  /** A guest NIC or its host device: offloads off, unless the lab keeps guest offloads on. */
  void guestDeviceOffloads(String ns, String device) {
    if (!guestOffloads) {
      offloadsOff(ns, device);
    }
  }

  /**
   * A host of its own on the underlay (namespace {@code prefix-name}, address {@code address}/24),
   * such as an external collector outside the cluster.
   */
  String underlayHost(String name, String address) {
    String ns = topo.prefix() + "-" + name;
    namespace(ns);
    underlayPort("ul-" + name, ns, address);
    return ns;
  }

  private void underlayPort(String ulSide, String ns, String address) {
    String ul = topo.underlayNs();
    ip(ul, "link", "add", ulSide, "type", "veth", "peer", "name", "ul0", "netns", ns);
    ip(ul, "link", "set", ulSide, "mtu", String.valueOf(UNDERLAY_MTU), "master", UL_BRIDGE, "up");
    ip(ns, "link", "set", "ul0", "mtu", String.valueOf(UNDERLAY_MTU));
    ip(ns, "addr", "add", address + "/24", "dev", "ul0");
    ip(ns, "link", "set", "ul0", "up");
    offloadsOff(ul, ulSide);
    offloadsOff(ns, "ul0");
  }

  private void namespace(String ns) {
    Exec.run(Exec.IP, "netns", "add", ns);
    // No IPv6 in the lab: router solicitations and MLD would add bytes no mirror explains.
    Exec.run(
        Exec.IP,
        "netns",
        "exec",
        ns,
        Exec.SYSCTL,
        "-q",
        "-w",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
    ip(ns, "link", "set", "lo", "up");
  }

  private void bridge(String ns, String name, Integer mtu) {
    // No multicast snooping: a snooping bridge sends IGMP reports (224.0.0.106, router discovery)
    // out of its ports, which a sensor would count as bytes no mirror sent.
    ip(ns, "link", "add", name, "type", "bridge", "mcast_snooping", "0");
    if (mtu != null) {
      ip(ns, "link", "set", name, "mtu", mtu.toString());
    }
    ip(ns, "link", "set", name, "up");
  }

  /** GSO/GRO would merge or split frames differently at source and sensor: bytes must compare. */
  static void offloadsOff(String ns, String device) {
    Exec.run(
        Exec.IP,
        "netns",
        "exec",
        ns,
        Exec.ETHTOOL,
        "-K",
        device,
        "tso",
        "off",
        "gso",
        "off",
        "gro",
        "off");
  }

  static void ip(String ns, String... args) {
    List<String> argv = new ArrayList<>(List.of(Exec.IP, "-n", ns));
    argv.addAll(List.of(args));
    Exec.run(argv);
  }
}
