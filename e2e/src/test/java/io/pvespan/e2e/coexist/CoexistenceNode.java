package io.pvespan.e2e.coexist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One lab "Proxmox node" for the coexistence runs: a node namespace with bridges {@code vmbr0} and
 * {@code vmbr1} (guests), {@code vmbr9} (the sensor's isolated bridge: it sees only mirrored
 * frames), the counter device {@code pvctr} the police stand-in copies into, and one namespace per
 * guest. IPv6 is off in the guests so only the test's own frames cross. Names start with a random
 * {@code pvco} prefix; {@link #close} deletes every namespace of it, also after a failure.
 */
final class CoexistenceNode implements AutoCloseable {
  static final String COUNTER = "pvctr";
  static final String OURS = "\"cookie\":\"70737031"; // "psp1": the start of every cookie of ours
  private static final ObjectMapper JSON = new ObjectMapper();

  final String prefix = "pvco" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  final String node = prefix + "-n1";
  private final List<String> namespaces = new ArrayList<>();

  CoexistenceNode() {
    try {
      namespace(node);
      for (String br : List.of("vmbr0", "vmbr1", "vmbr9")) {
        run("/usr/sbin/ip", "-n", node, "link", "add", br, "type", "bridge");
        run("/usr/sbin/ip", "-n", node, "link", "set", br, "up");
      }
      run("/usr/sbin/ip", "-n", node, "link", "add", COUNTER, "type", "veth", "peer", "pvctrp");
      run("/usr/sbin/ip", "-n", node, "link", "set", COUNTER, "up");
      run("/usr/sbin/ip", "-n", node, "link", "set", "pvctrp", "up");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Joins this node's {@code vmbr0} and {@code other}'s with a veth pair (the guests' LAN). */
  void joinLan(CoexistenceNode other) {
    run(
        "/usr/sbin/ip",
        "-n",
        node,
        "link",
        "add",
        "lan-a",
        "type",
        "veth",
        "peer",
        "lan-b",
        "netns",
        other.node);
    run("/usr/sbin/ip", "-n", node, "link", "set", "lan-a", "master", "vmbr0", "up");
    run("/usr/sbin/ip", "-n", other.node, "link", "set", "lan-b", "master", "vmbr0", "up");
  }

  /** A guest's namespace ({@code prefix-<name>}), IPv6 off before any NIC exists. */
  String guest(String name) {
    String ns = prefix + "-" + name;
    namespace(ns);
    for (String key : List.of("all", "default")) {
      run(
          "/usr/sbin/ip",
          "netns",
          "exec",
          ns,
          "sysctl",
          "-qw",
          "net.ipv6.conf." + key + ".disable_ipv6=1");
    }
    return ns;
  }

  /** A namespace someone else creates and deletes (the driver's parking one): gone at close. */
  String owned(String name) {
    String ns = prefix + "-" + name;
    namespaces.add(ns);
    return ns;
  }

  private void namespace(String ns) {
    run("/usr/sbin/ip", "netns", "add", ns);
    namespaces.add(ns);
    run("/usr/sbin/ip", "-n", ns, "link", "set", "lo", "up");
  }

  /** The guest OS configures its NIC (as a guest's network config would at boot). */
  void address(String ns, String dev, String cidr) {
    run("/usr/sbin/ip", "-n", ns, "addr", "replace", cidr, "dev", dev);
  }

  /** rx_bytes or tx_bytes of {@code dev} in {@code ns}; 0 when the device is gone. */
  long bytes(String ns, String dev, String rxOrTx) {
    String out = runMayFail("/usr/sbin/ip", "-n", ns, "-j", "-s", "link", "show", dev);
    if (out == null) {
      return 0;
    }
    try {
      return JSON.readTree(out).get(0).path("stats64").path(rxOrTx).path("bytes").asLong();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Until {@code ns} knows {@code peerIp}'s MAC (at most 2 s): otherwise the counted datagrams wait
   * for address resolution, and on a loaded host most of them are dropped before it answers (the
   * kernel queues 3), which says nothing about the mirror.
   */
  void resolveNeighbour(String ns, String peerIp) {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      String neigh = runMayFail("/usr/sbin/ip", "-n", ns, "neigh", "show", "to", peerIp);
      if (neigh != null && neigh.contains("lladdr")) {
        return;
      }
      udp(ns, peerIp, 1, 1);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code count} UDP datagrams of {@code size} bytes from {@code ns} to {@code to}:9. */
  void udp(String ns, String to, int count, int size) {
    run(
        "/usr/sbin/ip",
        "netns",
        "exec",
        ns,
        "bash",
        "-c",
        "for i in $(seq "
            + count
            + "); do printf '%"
            + size
            + "s' x > /dev/udp/"
            + to
            + "/9 2>/dev/null; done; true");
  }

  /**
   * 20 datagrams from {@code guestNs} to {@code peerIp}: the sensor in {@code sensorNs} must see
   * them and the replies, and with {@code police} this node's prio-50 stand-in must see what the
   * guest sent (the sensor within 500 bytes, the stand-in within 200: less than one datagram).
   * Problems go to {@code t}.
   */
  void frames(
      CoexistenceTally t, int run, String guestNs, String peerIp, String sensorNs, boolean police) {
    resolveNeighbour(guestNs, peerIp);
    long tx0 = bytes(guestNs, "eth0", "tx");
    long rx0 = bytes(guestNs, "eth0", "rx");
    long sensor0 = bytes(sensorNs, "eth0", "rx");
    long police0 = bytes(node, COUNTER, "tx");
    udp(guestNs, peerIp, 20, 700);
    try {
      Thread.sleep(30);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long sent = bytes(guestNs, "eth0", "tx") - tx0;
    long received = bytes(guestNs, "eth0", "rx") - rx0;
    long atSensor = bytes(sensorNs, "eth0", "rx") - sensor0;
    long atPolice = bytes(node, COUNTER, "tx") - police0;
    if (sent < 20 * 700) {
      t.problem(run, "the guest sent only " + sent + " bytes on " + node);
    }
    // 500: address resolution and neighbour probes come and go (84 B and more), a lost datagram
    // is 742 B.
    if (Math.abs(atSensor - (sent + received)) > 500) {
      t.problem(run, node + "'s sensor saw " + atSensor + " bytes of " + (sent + received));
    }
    if (police && Math.abs(atPolice - sent) > 200) {
      t.problem(run, node + "'s prio-50 filter saw " + atPolice + " bytes of " + sent);
    }
  }

  /**
   * Our mirror on {@code dev} as the kernel has it now, in one {@code tc} process: a filter with
   * our cookie on the ingress hook and one on the root qdisc (ours {@code 7370:} or Proxmox's
   * {@code 1:}).
   */
  boolean mirrorActive(String dev) {
    return mirrorActive(node, dev);
  }

  /** {@link #mirrorActive(String)} on another node namespace. */
  static boolean mirrorActive(String node, String dev) {
    String out =
        runWithInput(
            "filter show dev "
                + dev
                + " ingress\nfilter show dev "
                + dev
                + " parent 1:\nfilter show dev "
                + dev
                + " parent 7370:\n",
            "/usr/sbin/tc",
            "-n",
            node,
            "-j",
            "-force",
            "-batch",
            "-");
    String[] lines = out.split("\n");
    return lines.length >= 3
        && lines[0].contains(OURS)
        && (lines[1].contains(OURS) || lines[2].contains(OURS));
  }

  /** What Proxmox's rate limit left on {@code dev}, missing parts named (empty: all there). */
  List<String> proxmoxRateMissing(String dev) {
    return proxmoxRateMissing(node, dev);
  }

  /** {@link #proxmoxRateMissing(String)} on another node namespace. */
  static List<String> proxmoxRateMissing(String node, String dev) {
    List<String> missing = new ArrayList<>();
    String qdiscs = run("/usr/sbin/tc", "-n", node, "qdisc", "show", "dev", dev);
    if (!qdiscs.contains("qdisc htb 1: root")) {
      missing.add("root htb 1:");
    }
    if (!qdiscs.contains("qdisc ingress ffff:")) {
      missing.add("ingress ffff:");
    }
    if (!run("/usr/sbin/tc", "-n", node, "class", "show", "dev", dev).contains("class htb 1:1")) {
      missing.add("class 1:1");
    }
    String filters = run("/usr/sbin/tc", "-n", node, "filter", "show", "dev", dev, "ingress");
    if (!filters.contains("pref 50 ")) {
      missing.add("prio-50 filter");
    }
    return missing;
  }

  static String run(String... argv) {
    String out = runMayFail(argv);
    if (out == null) {
      throw new IllegalStateException("failed: " + String.join(" ", argv));
    }
    return out;
  }

  static String runMayFail(String... argv) {
    return exec(null, argv);
  }

  static String runWithInput(String input, String... argv) {
    String out = exec(input, argv);
    return out == null ? "" : out;
  }

  private static String exec(String input, String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (input != null) {
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 || input != null ? out : null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      runMayFail("/usr/sbin/ip", "netns", "del", ns);
    }
  }
}
