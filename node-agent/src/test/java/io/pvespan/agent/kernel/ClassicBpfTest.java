package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.spec.FilterRule;
import io.pvespan.spec.FilterRule.Action;
import io.pvespan.spec.FilterRule.Protocol;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler's programs run over frames as the kernel runs them: the session's rules decide. */
class ClassicBpfTest {
  static byte[] ipv4(int proto, String src, String dst, int sport, int dport) {
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 16);
    b.put(new byte[12]).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) 44).putInt(0).put((byte) 64);
    b.put((byte) proto).putShort((short) 0).put(addr(src)).put(addr(dst));
    b.putShort((short) sport).putShort((short) dport).putInt(0);
    return b.array();
  }

  static byte[] addr(String dotted) {
    byte[] a = new byte[4];
    String[] p = dotted.split("\\.");
    for (int i = 0; i < 4; i++) {
      a[i] = (byte) Integer.parseInt(p[i]);
    }
    return a;
  }

  static boolean matches(List<FilterRule> rules, byte[] frame) {
    return ClassicBpf.matches(BpfCompiler.compile(rules), frame, frame.length);
  }

  @Test
  void aPortRuleMatchesThatPortEitherWayAndNothingElse() {
    var rules = List.of(new FilterRule(Action.ACCEPT, Protocol.UDP, null, List.of(5300)));
    assertThat(matches(rules, ipv4(17, "198.18.1.1", "198.18.1.2", 40000, 5300))).isTrue();
    assertThat(matches(rules, ipv4(17, "198.18.1.2", "198.18.1.1", 5300, 40000))).isTrue();
    assertThat(matches(rules, ipv4(17, "198.18.1.1", "198.18.1.2", 40000, 53))).isFalse();
    assertThat(matches(rules, ipv4(6, "198.18.1.1", "198.18.1.2", 40000, 5300))).isFalse();
    byte[] arp = new byte[42];
    arp[12] = 0x08;
    arp[13] = 0x06;
    assertThat(matches(rules, arp)).isFalse();
    byte[] cut = Arrays.copyOf(ipv4(17, "198.18.1.1", "198.18.1.2", 40000, 5300), 36);
    assertThat(matches(rules, cut)).as("a load past the end: no match").isFalse();
  }

  @Test
  void theFirstMatchingRuleWinsAndCidrsMatchEitherAddress() {
    var rules =
        List.of(
            new FilterRule(Action.DROP, Protocol.UDP, null, List.of(53)),
            new FilterRule(Action.ACCEPT, null, "198.18.1.0/24", null));
    assertThat(matches(rules, ipv4(17, "198.18.1.1", "198.18.9.9", 40000, 53))).isFalse();
    assertThat(matches(rules, ipv4(17, "198.18.1.1", "198.18.9.9", 40000, 54))).isTrue();
    assertThat(matches(rules, ipv4(6, "198.18.9.9", "198.18.1.7", 40000, 443))).isTrue();
    assertThat(matches(rules, ipv4(6, "198.18.9.9", "198.18.8.7", 40000, 443))).isFalse();
  }

  @Test
  void theKernelsRandomNumberSamplesAndItsProtocolIsTheEtherType() {
    // ld rand; jge 2^31 ? ret 0 : ret -1  (about half of the frames)
    BpfProgram half =
        new BpfProgram(
            List.of(
                new BpfProgram.Insn(0x20, 0, 0, 0xFFFF_F000L + 56),
                new BpfProgram.Insn(0x35, 0, 1, 0x8000_0000L),
                new BpfProgram.Insn(0x06, 0, 0, 0),
                new BpfProgram.Insn(0x06, 0, 0, 0xFFFF_FFFFL)));
    byte[] frame = ipv4(17, "198.18.1.1", "198.18.1.2", 1, 2);
    int n = 0;
    for (int i = 0; i < 10_000; i++) {
      n += ClassicBpf.matches(half, frame, frame.length) ? 1 : 0;
    }
    assertThat(n).isBetween(4_500, 5_500);
    // ld proto; jeq 0x0800 ? ret -1 : ret 0
    BpfProgram ipv4Only =
        new BpfProgram(
            List.of(
                new BpfProgram.Insn(0x28, 0, 0, 0xFFFF_F000L),
                new BpfProgram.Insn(0x15, 0, 1, 0x0800),
                new BpfProgram.Insn(0x06, 0, 0, 0xFFFF_FFFFL),
                new BpfProgram.Insn(0x06, 0, 0, 0)));
    assertThat(ClassicBpf.matches(ipv4Only, frame, frame.length)).isTrue();
    byte[] arp = new byte[42];
    arp[12] = 0x08;
    arp[13] = 0x06;
    assertThat(ClassicBpf.matches(ipv4Only, arp, arp.length)).isFalse();
  }
}
