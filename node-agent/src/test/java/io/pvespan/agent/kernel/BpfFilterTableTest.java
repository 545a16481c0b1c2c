package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.PortSet;
import io.pvespan.model.Sample;
import io.pvespan.spec.FilterEndpoint;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.FilterRule.Action;
import io.pvespan.spec.FilterRule.Protocol;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS-form rules compiled and run over crafted frames: the issue's rule {@code accept tcp from
 * 10.0.0.0/8 ports 1024-65535 to 10.1.2.3 port 443} copies exactly the requests, no replies unless
 * it is symmetric, through VLAN tags, IPv4 options, IPv6 and its extension headers; numbers order
 * the rules.
 */
class BpfFilterTableTest {
  static final long MATCH = BpfCompiler.MATCH;
  static final int TCP = 6;
  static final int UDP = 17;

  static FilterRule aws(boolean symmetric) {
    return new FilterRule(
        100,
        Action.ACCEPT,
        null,
        Protocol.TCP,
        new FilterEndpoint("10.0.0.0/8", PortSet.fromJson(text("\"1024-65535\""))),
        new FilterEndpoint("10.1.2.3/32", PortSet.of(443)),
        symmetric,
        null,
        null);
  }

  static FilterRule aws6() {
    return new FilterRule(
        10,
        Action.ACCEPT,
        null,
        Protocol.TCP,
        new FilterEndpoint("2001:db8:1::/48", PortSet.fromJson(text("\"1024-65535\""))),
        new FilterEndpoint("2001:db8:2::10/128", PortSet.of(443)),
        null,
        null,
        null);
  }

  static com.fasterxml.jackson.databind.JsonNode text(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] v4(int proto, String src, int sport, String dst, int dport) {
    return Frames.ipv4(proto, src, dst, sport, dport);
  }

  static Stream<Arguments> issueRule() {
    FilterRule one = aws(false);
    FilterRule sym = aws(true);
    byte[] request = v4(TCP, "10.5.6.7", 40000, "10.1.2.3", 443);
    byte[] reply = v4(TCP, "10.1.2.3", 443, "10.5.6.7", 40000);
    return Stream.of(
        row("the request", one, request, MATCH),
        row("its reply (reverse direction)", one, reply, 0),
        row(
            "lowest source port of the range",
            one,
            v4(TCP, "10.0.0.1", 1024, "10.1.2.3", 443),
            MATCH),
        row("highest source port", one, v4(TCP, "10.255.255.255", 65535, "10.1.2.3", 443), MATCH),
        row("source port below the range", one, v4(TCP, "10.5.6.7", 1023, "10.1.2.3", 443), 0),
        row("another destination port", one, v4(TCP, "10.5.6.7", 40000, "10.1.2.3", 444), 0),
        row("another destination host", one, v4(TCP, "10.5.6.7", 40000, "10.1.2.4", 443), 0),
        row("a source outside 10/8", one, v4(TCP, "11.5.6.7", 40000, "10.1.2.3", 443), 0),
        row("udp, not tcp", one, v4(UDP, "10.5.6.7", 40000, "10.1.2.3", 443), 0),
        row("ports swapped, addresses not", one, v4(TCP, "10.5.6.7", 443, "10.1.2.3", 40000), 0),
        row("802.1Q-tagged request", one, Frames.tagged(request, 0x8100, 10), MATCH),
        row("802.1Q-tagged reply", one, Frames.tagged(reply, 0x8100, 10), 0),
        row(
            "Q-in-Q request (802.1ad then 802.1Q)",
            one,
            Frames.tagged(Frames.tagged(request, 0x8100, 10), 0x88A8, 20),
            MATCH),
        row(
            "request with IPv4 options (IHL 7)",
            one,
            Frames.ipv4(TCP, "10.5.6.7", "10.1.2.3", 40000, 443, 2, 0),
            MATCH),
        row(
            "a later fragment (no ports in it)",
            one,
            Frames.ipv4(TCP, "10.5.6.7", "10.1.2.3", 40000, 443, 0, 185),
            0),
        row("ARP", one, Frames.arp(), 0),
        row("a truncated frame", one, java.util.Arrays.copyOf(request, 36), 0),
        row("symmetric: the request", sym, request, MATCH),
        row("symmetric: the reply", sym, reply, MATCH),
        row("symmetric: tagged reply", sym, Frames.tagged(reply, 0x8100, 10), MATCH),
        row("symmetric: unrelated", sym, v4(TCP, "10.1.2.3", 443, "11.0.0.1", 40000), 0),
        row(
            "IPv6 request",
            aws6(),
            Frames.ipv6(TCP, "2001:db8:1::5", "2001:db8:2::10", 50000, 443),
            MATCH),
        row(
            "IPv6 reply",
            aws6(),
            Frames.ipv6(TCP, "2001:db8:2::10", "2001:db8:1::5", 443, 50000),
            0),
        row(
            "IPv6 request, 802.1Q-tagged",
            aws6(),
            Frames.tagged(
                Frames.ipv6(TCP, "2001:db8:1::5", "2001:db8:2::10", 50000, 443), 0x8100, 7),
            MATCH),
        row(
            "IPv6 from outside the /48",
            aws6(),
            Frames.ipv6(TCP, "2001:db8:3::5", "2001:db8:2::10", 50000, 443),
            0),
        row("IPv4 frame for an IPv6 rule", aws6(), request, 0),
        row(
            "IPv6 request behind hop-by-hop options",
            aws6(),
            v6ext(new int[] {0}, 0, false),
            MATCH),
        row("IPv6 reply behind hop-by-hop options", aws6(), v6ext(new int[] {0}, 0, true), 0),
        row(
            "IPv6 request behind routing and destination options",
            aws6(),
            v6ext(new int[] {43, 60}, 0, false),
            MATCH),
        row("IPv6 request behind AH", aws6(), v6ext(new int[] {51}, 0, false), MATCH),
        row("IPv6 first fragment", aws6(), v6ext(new int[] {44}, 0, false), MATCH),
        row("IPv6 later fragment (no ports)", aws6(), v6ext(new int[] {44}, 100, false), 0),
        row(
            "IPv6 request behind four extension headers",
            aws6(),
            v6ext(new int[] {0, 60, 43, 44}, 0, false),
            MATCH),
        row(
            "IPv6 behind five extension headers (more than the program walks)",
            aws6(),
            v6ext(new int[] {0, 60, 43, 60, 44}, 0, false),
            0));
  }

  static byte[] v6ext(int[] extensions, int fragOffset, boolean reply) {
    return reply
        ? Frames.ipv6(extensions, fragOffset, TCP, "2001:db8:2::10", "2001:db8:1::5", 443, 50000)
        : Frames.ipv6(extensions, fragOffset, TCP, "2001:db8:1::5", "2001:db8:2::10", 50000, 443);
  }

  static Arguments row(String what, FilterRule rule, byte[] frame, long expected) {
    return Arguments.of(what, List.of(rule), frame, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("issueRule")
  void theIssuesRuleCopiesExactlyTheMatchingFrames(
      String what, List<FilterRule> rules, byte[] frame, long expected) {
    assertThat(BpfInterpreter.run(BpfCompiler.compile(rules), frame)).as(what).isEqualTo(expected);
  }

  @Test
  void lowestNumberFirstWhateverTheListOrder() {
    FilterRule acceptTcp =
        new FilterRule(200, Action.ACCEPT, null, Protocol.TCP, null, null, null, null, null);
    FilterRule rejectSsh =
        new FilterRule(
            100,
            Action.REJECT,
            null,
            Protocol.TCP,
            null,
            new FilterEndpoint(null, PortSet.of(22)),
            null,
            null,
            null);
    var program = BpfCompiler.compile(List.of(acceptTcp, rejectSsh));
    assertThat(BpfInterpreter.run(program, v4(TCP, "10.0.0.1", 50000, "10.0.0.2", 22))).isZero();
    assertThat(BpfInterpreter.run(program, v4(TCP, "10.0.0.1", 50000, "10.0.0.2", 80)))
        .isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(program, v4(TCP, "10.0.0.1", 22, "10.0.0.2", 80)))
        .as("source port 22 is not destination port 22")
        .isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(program, v4(UDP, "10.0.0.1", 50000, "10.0.0.2", 80)))
        .as("no rule matches: default reject")
        .isZero();
  }

  @Test
  void eachHookGetsOnlyTheRulesOfItsSide() {
    FilterRule fromVm =
        new FilterRule(
            1, Action.ACCEPT, Direction.EGRESS, Protocol.TCP, null, null, null, null, null);
    FilterRule toVm =
        new FilterRule(
            2, Action.ACCEPT, Direction.INGRESS, Protocol.UDP, null, null, null, null, null);
    KernelFeatures f = KernelFeatures.full();
    var atTapIngress = FilterMatch.forHook(List.of(fromVm, toVm), null, TcSide.INGRESS, f);
    var atTapEgress = FilterMatch.forHook(List.of(fromVm, toVm), null, TcSide.EGRESS, f);
    byte[] tcp = v4(TCP, "10.0.0.1", 1, "10.0.0.2", 2);
    byte[] udp = v4(UDP, "10.0.0.1", 1, "10.0.0.2", 2);
    BpfProgram in = ((FilterMatch.Rules) atTapIngress.orElseThrow()).program();
    BpfProgram out = ((FilterMatch.Rules) atTapEgress.orElseThrow()).program();
    assertThat(BpfInterpreter.run(in, tcp)).as("VM sends tcp").isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(in, udp)).as("VM sends udp").isZero();
    assertThat(BpfInterpreter.run(out, udp)).as("VM receives udp").isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(out, tcp)).as("VM receives tcp").isZero();
    assertThat(FilterMatch.forHook(List.of(fromVm), null, TcSide.EGRESS, f))
        .as("no rule for what the VM receives: no filter on that hook")
        .isEmpty();
    assertThat(FilterMatch.forHook(List.of(), null, TcSide.EGRESS, f))
        .contains(new FilterMatch.MatchAll());
  }

  @Test
  void sampleCopiesWhenTheRandomNumberIsBelowTheThreshold() {
    Sample tenth = Sample.parse("1/10");
    assertThat(tenth.threshold()).isEqualTo(429_496_730L);
    BpfProgram p = BpfCompiler.compile(List.of(aws(false)), tenth);
    byte[] request = v4(TCP, "10.5.6.7", 40000, "10.1.2.3", 443);
    byte[] reply = v4(TCP, "10.1.2.3", 443, "10.5.6.7", 40000);
    assertThat(BpfInterpreter.run(p, request, () -> 0)).isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(p, request, () -> 429_496_729L)).isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(p, request, () -> 429_496_730L)).isZero();
    assertThat(BpfInterpreter.run(p, request, () -> 0xFFFF_FFFFL)).isZero();
    assertThat(BpfInterpreter.run(p, reply, () -> 0)).as("sampling never adds").isZero();
    BpfProgram all = BpfCompiler.compile(List.of(), tenth);
    java.util.Random r = new java.util.Random(42);
    int copied = 0;
    for (int i = 0; i < 100_000; i++) {
      copied +=
          BpfInterpreter.run(all, Frames.arp(), () -> r.nextInt() & 0xFFFF_FFFFL) == MATCH ? 1 : 0;
    }
    assertThat(copied).isBetween(9_500, 10_500);
    assertThat(FilterMatch.forHook(List.of(), tenth, TcSide.INGRESS, KernelFeatures.full()))
        .get()
        .isInstanceOf(FilterMatch.Rules.class);
    assertThat(
            FilterMatch.forHook(
                List.of(), Sample.parse("1/1"), TcSide.INGRESS, KernelFeatures.full()))
        .contains(new FilterMatch.MatchAll());
  }
}
