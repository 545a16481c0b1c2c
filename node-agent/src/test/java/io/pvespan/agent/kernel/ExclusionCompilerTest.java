package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.model.Direction;
import io.pvespan.plan.Exclusion;
import io.pvespan.spec.FilterRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exclusions in front of a session's match, run over crafted frames ({@link BpfInterpreter}). */
class ExclusionCompilerTest {
  private static final String A = "bc:24:11:00:00:0a";
  private static final String B = "bc:24:11:00:00:0b";
  private static final String C = "bc:24:11:00:00:0c";
  private static final FilterRule HTTPS =
      new FilterRule(FilterRule.Action.ACCEPT, FilterRule.Protocol.TCP, null, List.of(443));

  /** An Ethernet + IPv4 + TCP frame from MAC {@code src}, to TCP port {@code dport}. */
  static byte[] tcp(String src, int dport) {
    byte[] f = new byte[54];
    String[] m = src.split(":");
    for (int i = 0; i < 6; i++) {
      f[i] = (byte) 0xff;
      f[6 + i] = (byte) Integer.parseInt(m[i], 16);
    }
    f[12] = 0x08; // IPv4
    f[14] = 0x45; // version 4, header 20 bytes
    f[23] = 6; // TCP
    f[26] = 10; // 10.0.0.1 -> 10.0.0.2
    f[29] = 1;
    f[30] = 10;
    f[33] = 2;
    f[34] = (byte) 0xc3; // source port 50000
    f[35] = 0x50;
    f[36] = (byte) (dport >> 8);
    f[37] = (byte) dport;
    return f;
  }

  private static boolean copied(BpfProgram p, byte[] frame) {
    return BpfInterpreter.run(p, frame) != 0;
  }

  @Test
  void framesFromExcludedSendersAreNotCopiedTheOthersAre() {
    BpfProgram p =
        ExclusionCompiler.compile(
            List.of(new Exclusion(Direction.INGRESS, List.of(A, B), List.of())), null);
    assertThat(copied(p, tcp(A, 80))).isFalse();
    assertThat(copied(p, tcp(B, 80))).isFalse();
    assertThat(copied(p, tcp(C, 80))).isTrue();
    // Same high four bytes, other low two: a different MAC.
    assertThat(copied(p, tcp("bc:24:11:00:01:0a", 80))).isTrue();
  }

  @Test
  void aSenderIsExcludedOnlyForWhatItsSessionsFilterTakes() {
    // A's sending side is copied by a session that only takes HTTPS: the rest of A's frames must
    // still be copied here, or they would reach the sensor from nowhere.
    BpfProgram p =
        ExclusionCompiler.compile(
            List.of(new Exclusion(Direction.INGRESS, List.of(A), List.of(HTTPS))), null);
    assertThat(copied(p, tcp(A, 443))).isFalse();
    assertThat(copied(p, tcp(A, 80))).isTrue();
    assertThat(copied(p, tcp(C, 443))).isTrue();
  }

  @Test
  void aHigherPrioritySessionsFilterIsTakenAwayFromTheEntrysOwn() {
    // Both sessions copy this side; the other (higher priority) takes HTTPS, this one takes TCP
    // to 80 and 443: 443 comes from the other one only.
    FilterRule web =
        new FilterRule(FilterRule.Action.ACCEPT, FilterRule.Protocol.TCP, null, List.of(80, 443));
    BpfProgram p =
        ExclusionCompiler.compile(
            List.of(new Exclusion(Direction.EGRESS, List.of(), List.of(HTTPS))),
            BpfCompiler.compile(List.of(web)));
    assertThat(copied(p, tcp(C, 443))).isFalse();
    assertThat(copied(p, tcp(C, 80))).isTrue();
    assertThat(copied(p, tcp(C, 22))).isFalse(); // not the entry's own either
  }

  @Test
  void exclusionsApplyInTurnAndManyMacsStayWithinShortJumps() {
    List<String> macs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      macs.add(String.format("02:00:00:00:%02x:%02x", i >> 8, i & 0xff));
    }
    BpfProgram p =
        ExclusionCompiler.compile(
            List.of(
                new Exclusion(Direction.INGRESS, macs, List.of(HTTPS)),
                new Exclusion(Direction.INGRESS, List.of(B), List.of())),
            null);
    assertThat(copied(p, tcp("02:00:00:00:00:c7", 443))).isFalse();
    assertThat(copied(p, tcp("02:00:00:00:00:c7", 80))).isTrue();
    assertThat(copied(p, tcp(B, 80))).isFalse();
    assertThat(copied(p, tcp(C, 443))).isTrue();
  }

  @Test
  void pastTheKernelsLimitItSaysSo() {
    List<String> macs = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      macs.add(String.format("02:00:00:00:%02x:%02x", i >> 8, i & 0xff));
    }
    assertThatThrownBy(
            () ->
                ExclusionCompiler.compile(
                    List.of(new Exclusion(Direction.INGRESS, macs, List.of())), null))
        .hasMessageContaining("more than the kernel's 4096");
  }
}
