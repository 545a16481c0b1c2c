package io.pvespan.packaging;

import java.time.Duration;
import java.util.List;

/**
 * A lab node inside a machine's network namespace, laid out as Proxmox lays out a node: bridge
 * {@code vmbr0} with the "VM" 101's {@code tap101i0}, and the sensor VM 900's {@code tap900i0} on
 * an isolated bridge {@code vmbr9} (so the sensor sees nothing but what is mirrored to it). Each
 * tap's peer is the {@code eth0} of a namespace of its own. IPv6 is off in the three namespaces so
 * that no router or neighbour solicitation reaches the sensor.
 */
final class LabNode implements AutoCloseable {
  static final String BRIDGE_ADDRESS = "198.18.101.1";
  private static final String VM_ADDRESS = "198.18.101.101";

  private final String node;
  private final String vm;
  private final String sensor;

  private LabNode(String node) {
    this.node = node;
    this.vm = node + "v";
    this.sensor = node + "s";
  }

  static LabNode create(String node) {
    LabNode lab = new LabNode(node);
    try {
      lab.build();
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  private void build() {
    for (String ns : List.of(vm, sensor)) {
      Cmd.ok("ip", "netns", "add", ns);
    }
    for (String ns : List.of(node, vm, sensor)) {
      Cmd.ok(
          "ip",
          "netns",
          "exec",
          ns,
          "sysctl",
          "-q",
          "-w",
          "net.ipv6.conf.all.disable_ipv6=1",
          "net.ipv6.conf.default.disable_ipv6=1");
    }
    ip(node, "link", "add", "vmbr0", "type", "bridge");
    ip(node, "link", "add", "vmbr9", "type", "bridge");
    ip(node, "addr", "add", BRIDGE_ADDRESS + "/24", "dev", "vmbr0");
    plug("tap101i0", vm, "vmbr0");
    plug("tap900i0", sensor, "vmbr9");
    ip(vm, "addr", "add", VM_ADDRESS + "/24", "dev", "eth0");
    for (String dev : List.of("vmbr0", "vmbr9")) {
      ip(node, "link", "set", dev, "up");
    }
  }

  /** A veth {@code tap} in the node, its peer {@code eth0} in {@code guest}, as Proxmox plugs. */
  private void plug(String tap, String guest, String bridge) {
    ip(node, "link", "add", tap, "type", "veth", "peer", "name", "eth0", "netns", guest);
    ip(node, "link", "set", tap, "master", bridge, "up");
    ip(guest, "link", "set", "eth0", "up");
  }

  private static void ip(String ns, String... args) {
    String[] argv = new String[args.length + 3];
    argv[0] = "ip";
    argv[1] = "-n";
    argv[2] = ns;
    System.arraycopy(args, 0, argv, 3, args.length);
    Cmd.ok(argv);
  }

  /** Bytes the sensor's NIC has received so far. */
  long sensorRxBytes() {
    return Long.parseLong(
        Cmd.ok("ip", "netns", "exec", sensor, "cat", "/sys/class/net/eth0/statistics/rx_bytes")
            .out()
            .strip());
  }

  /** A bash that sends {@code count} UDP datagrams of {@code payload} bytes from the VM. */
  List<String> udpSender(int count, int payload, String pause) {
    String loop =
        "for ((i = 0; i < "
            + count
            + "; i++)); do printf '%"
            + payload
            + "s' '' > /dev/udp/"
            + BRIDGE_ADDRESS
            + "/9; "
            + (pause.isEmpty() ? "" : "sleep " + pause + "; ")
            + "done";
    return List.of("ip", "netns", "exec", vm, "bash", "-c", loop);
  }

  /** Sends {@code count} UDP datagrams of {@code payload} bytes from the VM, as fast as it can. */
  void sendUdp(int count, int payload) {
    Cmd.run(Duration.ofSeconds(60), udpSender(count, payload, "")).ok();
  }

  @Override
  public void close() {
    // The veth pairs go with the guests' namespaces; the bridges go with the machine's.
    Cmd.run("ip", "netns", "del", vm);
    Cmd.run("ip", "netns", "del", sensor);
  }
}
