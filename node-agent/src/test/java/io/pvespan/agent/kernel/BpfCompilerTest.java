package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.spec.FilterRule;
import io.pvespan.spec.FilterRule.Action;
import io.pvespan.spec.FilterRule.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiled rules, run by an interpreter over hand-built frames: first match wins. */
class BpfCompilerTest {
  private static final long MATCH = BpfCompiler.MATCH;

  private static long run(List<FilterRule> rules, byte[] frame) {
    return BpfInterpreter.run(BpfCompiler.compile(rules), frame);
  }

  @Test
  void protocolCidrAndPortsMustAllMatchOnEitherSide() {
    var rule = List.of(new FilterRule(Action.ACCEPT, Protocol.UDP, "198.18.1.0/24", List.of(5000)));
    assertThat(run(rule, Frames.ipv4(17, "198.18.1.101", "10.0.0.1", 40000, 5000)))
        .isEqualTo(MATCH);
    assertThat(run(rule, Frames.ipv4(17, "10.0.0.1", "198.18.1.7", 5000, 40000))).isEqualTo(MATCH);
    assertThat(run(rule, Frames.ipv4(6, "198.18.1.101", "10.0.0.1", 40000, 5000))).isZero();
    assertThat(run(rule, Frames.ipv4(17, "198.18.2.101", "10.0.0.1", 40000, 5000))).isZero();
    assertThat(run(rule, Frames.ipv4(17, "198.18.1.101", "10.0.0.1", 40000, 9))).isZero();
    assertThat(run(rule, Frames.arp())).isZero();
  }

  @Test
  void firstMatchWinsAndDropStopsEvaluation() {
    var rules =
        List.of(
            new FilterRule(Action.DROP, Protocol.TCP, null, List.of(22)),
            new FilterRule(Action.ACCEPT, Protocol.TCP, null, null));
    assertThat(run(rules, Frames.ipv4(6, "1.2.3.4", "5.6.7.8", 50000, 22))).isZero();
    assertThat(run(rules, Frames.ipv4(6, "1.2.3.4", "5.6.7.8", 50000, 443))).isEqualTo(MATCH);
    assertThat(run(rules, Frames.ipv6(6, "2001:db8::1", "2001:db8::2", 50000, 443)))
        .isEqualTo(MATCH);
    assertThat(run(rules, Frames.ipv6(6, "2001:db8::1", "2001:db8::2", 22, 443))).isZero();
    assertThat(run(rules, Frames.ipv4(17, "1.2.3.4", "5.6.7.8", 50000, 443))).isZero();
  }

  @Test
  void ipv6PrefixesAndAnEmptyRuleMatchingEverything() {
    var rules =
        List.of(
            new FilterRule(Action.ACCEPT, null, "2001:db8:aa00::/40", null),
            new FilterRule(Action.DROP, null, null, null));
    assertThat(run(rules, Frames.ipv6(17, "2001:db8:aaff::1", "::1", 1, 2))).isEqualTo(MATCH);
    assertThat(run(rules, Frames.ipv6(17, "2001:db8:ab00::1", "::1", 1, 2))).isZero();
    assertThat(run(List.of(new FilterRule(Action.ACCEPT, null, null, null)), Frames.arp()))
        .isEqualTo(MATCH);
  }

  @Test
  void bytecodeIsDigitsSpacesAndCommasOnly() {
    var p =
        BpfCompiler.compile(
            List.of(new FilterRule(Action.ACCEPT, Protocol.ICMP, "198.18.0.0/15", null)));
    assertThat(p.bytecode()).matches("[0-9 ,]+").startsWith(p.insns().size() + ",");
  }

  @Test
  void aHostNameIsNoCidr() {
    assertThatThrownBy(
            () ->
                BpfCompiler.compile(
                    List.of(new FilterRule(Action.ACCEPT, null, "example.com/24", null))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
