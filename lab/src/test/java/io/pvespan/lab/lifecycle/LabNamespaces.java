package io.pvespan.lab.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: {@code pvlc-} namespaces, deleted by {@link #close()} even after a failure. */
final class LabNamespaces implements AutoCloseable {
  private final ProcessCommandExecutor exec = new ProcessCommandExecutor();
  private final List<String> created = new ArrayList<>();

  /** A fresh namespace (a stale one of the same name is removed first), IPv6 off, lo up. */
  String namespace(String name) {
    assertThat(name).startsWith("pvlc-");
    quiet("/usr/sbin/ip", "netns", "delete", name);
    sh("/usr/sbin/ip", "netns", "add", name);
    created.add(name);
    sh(
        "/usr/sbin/ip",
        "netns",
        "exec",
        name,
        "/usr/sbin/sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
    sh("/usr/sbin/ip", "-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** A node: namespace with a plain Linux bridge vmbr0 (up) and a counter veth pvlcctr0/1. */
  String node(String name) {
    namespace(name);
    sh("/usr/sbin/ip", "-n", name, "link", "add", "vmbr0", "type", "bridge");
    sh("/usr/sbin/ip", "-n", name, "link", "set", "vmbr0", "up");
    sh(
        "/usr/sbin/ip",
        "-n",
        name,
        "link",
        "add",
        "pvlcctr0",
        "type",
        "veth",
        "peer",
        "name",
        "pvlcctr1");
    sh("/usr/sbin/ip", "-n", name, "link", "set", "pvlcctr0", "up");
    sh("/usr/sbin/ip", "-n", name, "link", "set", "pvlcctr1", "up");
    return name;
  }

  void sh(String... argv) {
    CommandResult r = exec.run(new ProxmoxCommand(List.of(argv), false, Actor.LAB, "test", ""));
    assertThat(r.exitCode()).as("%s: %s", String.join(" ", argv), r.stderr()).isZero();
  }

  void quiet(String... argv) {
    exec.run(new ProxmoxCommand(List.of(argv), true, Actor.LAB, "test", ""));
  }

  JsonNode json(String... argv) {
    try {
      return new ObjectMapper().readTree(exec.read(List.of(argv)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code ip -d -j link show dev X} in ns, or null when absent. */
  JsonNode link(String ns, String dev) {
    JsonNode all = json("/usr/sbin/ip", "-n", ns, "-d", "-j", "link", "show");
    for (JsonNode l : all) {
      if (dev.equals(l.path("ifname").asText())) {
        return l;
      }
    }
    return null;
  }

  long counter(String ns, String dev, String field) {
    JsonNode l = json("/usr/sbin/ip", "-n", ns, "-s", "-j", "link", "show", "dev", dev).get(0);
    return l.path("stats64").path(field.startsWith("rx") ? "rx" : "tx").path("packets").asLong();
  }

  List<String> qdiscKinds(String ns, String dev) {
    List<String> kinds = new ArrayList<>();
    for (JsonNode q : json("/usr/sbin/tc", "-n", ns, "-j", "qdisc", "show", "dev", dev)) {
      kinds.add(q.path("kind").asText() + " " + q.path("handle").asText());
    }
    return kinds;
  }

  JsonNode filters(String ns, String dev) {
    return json("/usr/sbin/tc", "-n", ns, "-j", "filter", "show", "dev", dev, "parent", "ffff:");
  }

  /**
   * Sends {@code count} small UDP datagrams from inside ns, 1 ms apart (python3 in the ns); prints
   * how many sends failed.
   */
  Process udp(String ns, String destination, int count) throws java.io.IOException {
    String py =
        "import socket,time\n"
            + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            + "e=0\n"
            + "for i in range("
            + count
            + "):\n"
            + "  try: s.sendto(b'x'*64,('"
            + destination
            + "',9))\n"
            + "  except OSError: e+=1\n"
            + "  time.sleep(0.001)\n"
            + "print(e)\n";
    return new ProcessBuilder("/usr/sbin/ip", "netns", "exec", ns, "/usr/bin/python3", "-c", py)
        .redirectErrorStream(true)
        .start();
  }

  /**
   * Waits until UDP from {@code fromNs} to {@code address} reaches {@code toNs}'s eth0: a fresh
   * veth's carrier reaches its bridge port through the kernel's linkwatch, which batches events up
   * to a second, and until then the port drops frames.
   */
  void awaitPath(String fromNs, String address, String toNs) throws Exception {
    for (int i = 0; i < 40; i++) {
      long before = counter(toNs, "eth0", "rx");
      assertThat(udp(fromNs, address, 5).waitFor()).isZero();
      Thread.sleep(50);
      if (counter(toNs, "eth0", "rx") - before >= 5) {
        return;
      }
    }
    throw new AssertionError("no path from " + fromNs + " to " + toNs);
  }

  @Override
  public void close() {
    for (int i = created.size() - 1; i >= 0; i--) {
      quiet("/usr/sbin/ip", "netns", "delete", created.get(i));
    }
  }
}
