package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.PortRange;
import io.pvespan.model.PortSet;
import io.pvespan.model.Sample;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.spec.FilterEndpoint;
import io.pvespan.spec.FilterRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AWS-form rules and sampling on a real kernel, attached by the agent's own converger: crafted
 * frames (guest-level 10.x addresses, only inside the lab's namespaces) sent by raw sockets from
 * the guests, copies counted at the sensor's NIC.
 */
class FilterRulesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Lab lab;
  private NetnsName node;
  private NetnsName vm101;
  private NetnsName vm102;
  private NetnsName sensor;
  private Path sender;

  @BeforeEach
  void setUp() throws IOException {
    lab = new Lab("pspf");
    node = lab.node("n");
    vm101 = lab.vm(node, 101, null, true);
    vm102 = lab.vm(node, 102, null, true);
    sensor = lab.vm(node, 900, null, false);
    sender = Files.createTempFile("pvespan-send-frames", ".py");
    try (InputStream in = FilterRulesIT.class.getResourceAsStream("send_frames.py")) {
      Files.write(sender, in.readAllBytes());
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    lab.close();
    Files.deleteIfExists(sender);
  }

  /** accept tcp from 10.0.0.0/8 ports 1024-65535 to 10.1.2.3/32 port 443 (the issue's rule). */
  static FilterRule issueRule(Direction direction, boolean symmetric) {
    return new FilterRule(
        100,
        FilterRule.Action.ACCEPT,
        direction,
        FilterRule.Protocol.TCP,
        new FilterEndpoint("10.0.0.0/8", new PortSet(List.of(new PortRange(1024, 65535)))),
        new FilterEndpoint("10.1.2.3/32", PortSet.of(443)),
        symmetric,
        null,
        null);
  }

  static MirrorEntry entry(Sample sample, FilterRule... rules) {
    return new MirrorEntry(
        "s1",
        VmId.of(101),
        new NicId(0),
        InterfaceName.of("tap101i0"),
        Direction.BOTH,
        EntryState.ACTIVE,
        local("tap900i0"),
        List.of(rules),
        false,
        List.of(),
        sample);
  }

  static Map<String, Object> frames(int count, String src, int sport, String dst, int dport) {
    return Map.of(
        "count", count, "src", src, "dst", dst, "proto", 6, "sport", sport, "dport", dport);
  }

  static Map<String, Object> tagged(Map<String, Object> f, List<List<Integer>> tags) {
    Map<String, Object> m = new java.util.HashMap<>(f);
    m.put("tags", tags);
    return m;
  }

  long send(NetnsName from, List<Map<String, Object>> frames) throws IOException {
    String out =
        Lab.sh(
            "ip",
            "netns",
            "exec",
            from.value(),
            "python3",
            sender.toString(),
            "eth0",
            JSON.writeValueAsString(frames));
    return Long.parseLong(out.strip());
  }

  long packets(NetnsName ns, String dev, String rxOrTx) {
    return lab.json("ip", "-n", ns.value(), "-j", "-s", "link", "show", dev)
        .get(0)
        .path("stats64")
        .path(rxOrTx)
        .path("packets")
        .asLong();
  }

  /** Copies the sensor received while {@code traffic} ran. */
  long copies(Runnable traffic) {
    long before = packets(sensor, "eth0", "rx");
    traffic.run();
    return packets(sensor, "eth0", "rx") - before;
  }

  void converge(KernelConverger c, long generation, MirrorEntry e) {
    ConvergeReport r = c.converge(plan(generation, List.of(e)));
    assertThat(r.failures()).isEmpty();
    assertThat(r.entries())
        .singleElement()
        .satisfies(x -> assertThat(x.state()).as(x.message()).isEqualTo("active"));
    assertThat(c.converge(plan(generation, List.of(e))).writes())
        .as("the compiled filters are adopted as they are")
        .isZero();
  }

  @Test
  void theIssuesRuleMirrorsExactlyTheMatchingFramesAndRepliesOnlyWhenAsked() throws Exception {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    converge(c, 1, entry(null, issueRule(null, false)));
    var request = frames(30, "10.5.6.7", 40000, "10.1.2.3", 443);
    var reply = frames(20, "10.1.2.3", 443, "10.5.6.7", 40000);
    List<Map<String, Object>> fromGuest =
        List.of(
            request,
            reply,
            frames(20, "10.5.6.7", 40000, "10.1.2.3", 444), // another port
            frames(20, "10.5.6.7", 1000, "10.1.2.3", 443), // source port below the range
            frames(20, "11.5.6.7", 40000, "10.1.2.3", 443), // source outside 10/8
            tagged(request, List.of(List.of(0x8100, 10))), // 30 more, 802.1Q
            tagged(reply, List.of(List.of(0x8100, 10))),
            tagged(request, List.of(List.of(0x88A8, 20), List.of(0x8100, 10))), // 30, Q-in-Q
            tagged(reply, List.of(List.of(0x88A8, 20), List.of(0x8100, 10))));
    long[] sent = new long[1];
    assertThat(copies(() -> sent[0] = sendUnchecked(vm101, fromGuest)))
        .as("what guest 101 sends: the 90 requests, plain and tagged")
        .isEqualTo(90);
    assertThat(sent[0]).isEqualTo(210);
    assertThat(copies(() -> sendUnchecked(vm102, List.of(request, reply))))
        .as("what guest 101 receives (direction both): the 30 requests")
        .isEqualTo(30);

    converge(c, 2, entry(null, issueRule(Direction.EGRESS, false)));
    assertThat(copies(() -> sendUnchecked(vm102, List.of(request, reply))))
        .as("a rule for what the VM sends does not see what it receives")
        .isZero();
    assertThat(copies(() -> sendUnchecked(vm101, List.of(request, reply)))).isEqualTo(30);

    converge(c, 3, entry(null, issueRule(null, true)));
    assertThat(copies(() -> sendUnchecked(vm101, fromGuest)))
        .as("symmetric: requests and replies, plain and tagged")
        .isEqualTo(150);
  }

  @Test
  void anIpv6RuleSeesThroughExtensionHeadersAndVlanTags() {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    FilterRule v6 =
        new FilterRule(
            10,
            FilterRule.Action.ACCEPT,
            null,
            FilterRule.Protocol.TCP,
            new FilterEndpoint("fd00:1::/48", new PortSet(List.of(new PortRange(1024, 65535)))),
            new FilterEndpoint("fd00:2::10/128", PortSet.of(443)),
            null,
            null,
            null);
    converge(c, 1, entry(null, v6));
    Map<String, Object> request = v6(frames(10, "fd00:1::5", 50000, "fd00:2::10", 443), List.of());
    List<Map<String, Object>> sent =
        List.of(
            request,
            v6(frames(10, "fd00:1::5", 50000, "fd00:2::10", 443), List.of(0)), // hop-by-hop
            v6(frames(10, "fd00:1::5", 50000, "fd00:2::10", 443), List.of(0, 60)),
            tagged(request, List.of(List.of(0x8100, 30))),
            v6(frames(10, "fd00:2::10", 443, "fd00:1::5", 50000), List.of()), // reply
            v6(frames(10, "fd00:1::5", 50000, "fd00:2::11", 443), List.of(0))); // other host
    assertThat(copies(() -> sendUnchecked(vm101, sent))).isEqualTo(40);
  }

  static Map<String, Object> v6(Map<String, Object> f, List<Integer> extensions) {
    Map<String, Object> m = new java.util.HashMap<>(f);
    m.put("v6", true);
    m.put("ext", extensions);
    return m;
  }

  @Test
  void sampleOneInTenCopiesTenPercentOfAHundredThousandFrames() throws Exception {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    FilterRule udpTo10 =
        new FilterRule(
            null,
            FilterRule.Action.ACCEPT,
            null,
            FilterRule.Protocol.UDP,
            null,
            new FilterEndpoint("10.0.0.0/8", null),
            null,
            null,
            null);
    converge(c, 1, entry(Sample.parse("1/10"), udpTo10));
    Map<String, Object> matching =
        new java.util.HashMap<>(frames(100_000, "10.0.0.1", 5000, "10.0.0.2", 5001));
    matching.put("proto", 17);
    Map<String, Object> other =
        new java.util.HashMap<>(frames(10_000, "192.0.2.1", 5000, "192.0.2.2", 5001));
    other.put("proto", 17);
    long entered0 = packets(node, "tap101i0", "rx");
    long copies = copies(() -> sendUnchecked(vm101, List.of(matching)));
    long entered = packets(node, "tap101i0", "rx") - entered0;
    double fraction = (double) copies / entered;
    System.out.printf(
        "FilterRulesIT sample 1/10: %d frames entered tap101i0, %d copies at the sensor: %.4f%n",
        entered, copies, fraction);
    assertThat(entered).isEqualTo(100_000);
    assertThat(fraction).isBetween(0.08, 0.12);
    assertThat(copies(() -> sendUnchecked(vm101, List.of(other))))
        .as("frames the filter rejects are never sampled in")
        .isZero();
  }

  private long sendUnchecked(NetnsName from, List<Map<String, Object>> frames) {
    try {
      return send(from, frames);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
