package io.pvespan.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.agent.kernel.NetnsName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test lab: network namespaces named {@code <prefix>-<random>-...} (default {@code pspk}), a "node"
 * with bridge vmbr0, "VMs" whose eth0 is peered with {@code tap{vmid}i0} in the node (offloads off,
 * IPv6 off so counters hold only our traffic). Everything is deleted by {@link #close()}. Test code
 * only: it may use ip/tc/ethtool/bash freely, the product never does.
 */
public final class Lab implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String id;
  private final List<String> namespaces = new ArrayList<>();

  public Lab() {
    this("pspk");
  }

  /** A lab whose namespaces are named {@code <prefix>-<random>-...} (a prefix per test area). */
  public Lab(String prefix) {
    id = prefix + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("kernel tests must run as root (they create namespaces)");
    }
  }

  /** A new namespace {@code <prefix>-<id>-<suffix>} with lo up and IPv6 off. */
  public NetnsName namespace(String suffix) {
    String ns = id + "-" + suffix;
    sh("ip", "netns", "add", ns);
    namespaces.add(ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
    return new NetnsName(ns);
  }

  /** A node namespace with an up bridge vmbr0. */
  public NetnsName node(String suffix) {
    NetnsName n = namespace(suffix);
    sh("ip", "-n", n.value(), "link", "add", "vmbr0", "type", "bridge");
    sh("ip", "-n", n.value(), "link", "set", "vmbr0", "up");
    return n;
  }

  /**
   * A VM: namespace with eth0 (address {@code cidr}, or none when null) peered with {@code
   * tap{vmid}i0} in {@code node}, enslaved to vmbr0 when {@code bridged}.
   */
  public NetnsName vm(NetnsName node, int vmid, String cidr, boolean bridged) {
    return vm(node, vmid, 0, cidr, bridged);
  }

  /** As {@link #vm(NetnsName, int, String, boolean)}, peered with {@code tap{vmid}i{nic}}. */
  public NetnsName vm(NetnsName node, int vmid, int nic, String cidr, boolean bridged) {
    NetnsName vm = namespace("v" + vmid);
    String tap = "tap" + vmid + "i" + nic;
    sh(
        "ip",
        "-n",
        node.value(),
        "link",
        "add",
        tap,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        vm.value());
    if (bridged) {
      sh("ip", "-n", node.value(), "link", "set", tap, "master", "vmbr0");
    }
    sh("ip", "-n", node.value(), "link", "set", tap, "up");
    sh("ip", "-n", vm.value(), "link", "set", "eth0", "up");
    if (cidr != null) {
      sh("ip", "-n", vm.value(), "addr", "add", cidr, "dev", "eth0");
    }
    offloadsOff(node, tap);
    offloadsOff(vm, "eth0");
    return vm;
  }

  public void offloadsOff(NetnsName ns, String dev) {
    sh(
        "ip",
        "netns",
        "exec",
        ns.value(),
        "ethtool",
        "-K",
        dev,
        "tso",
        "off",
        "gso",
        "off",
        "gro",
        "off",
        "tx",
        "off",
        "rx",
        "off");
  }

  /** Sends {@code count} UDP datagrams of {@code size} bytes from namespace {@code from}. */
  public void udp(NetnsName from, String toAddress, int count, int size) {
    udp(from, toAddress, 9, count, size);
  }

  /** Sends {@code count} UDP datagrams of {@code size} bytes to {@code port}. */
  public void udp(NetnsName from, String toAddress, int port, int count, int size) {
    sh(
        "ip",
        "netns",
        "exec",
        from.value(),
        "bash",
        "-c",
        "for i in $(seq "
            + count
            + "); do printf '%"
            + size
            + "s' x > /dev/udp/"
            + toAddress
            + "/"
            + port
            + " 2>/dev/null; done; true");
  }

  /**
   * Sends UDP datagrams of {@code size} bytes to port 9 as fast as one shell loop can, until the
   * file {@code stop} exists (at most 2 minutes): steady traffic across something that takes an
   * unknown time.
   */
  public void udpUntil(NetnsName from, String toAddress, int size, java.nio.file.Path stop) {
    sh(
        "ip",
        "netns",
        "exec",
        from.value(),
        "bash",
        "-c",
        // SECONDS bounds the loop should the stop file never come (a test killed midway).
        "while [ ! -e \"$1\" ] && [ $SECONDS -lt 120 ]; do printf '%"
            + size
            + "s' x > /dev/udp/"
            + toAddress
            + "/9 2>/dev/null; done; true",
        "udp-until",
        stop.toString());
  }

  /** rx_bytes / tx_bytes of a device. */
  public long bytes(NetnsName ns, String dev, String rxOrTx) {
    JsonNode n = json("ip", "-n", ns.value(), "-j", "-s", "link", "show", dev);
    return n.get(0).path("stats64").path(rxOrTx).path("bytes").asLong();
  }

  public JsonNode json(String... argv) {
    try {
      return JSON.readTree(sh(argv));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command, returns stdout; a failure throws with stderr. */
  public static String sh(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", argv) + ": " + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", argv) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      try {
        sh("ip", "netns", "del", ns);
      } catch (IllegalStateException e) {
        // keep deleting the others
      }
    }
  }
}
