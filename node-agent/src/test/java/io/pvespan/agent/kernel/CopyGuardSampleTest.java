package io.pvespan.agent.kernel;

import static io.pvespan.agent.kernel.BpfFilterTableTest.MATCH;
import static io.pvespan.agent.kernel.BpfFilterTableTest.TCP;
import static io.pvespan.agent.kernel.BpfFilterTableTest.aws;
import static io.pvespan.agent.kernel.BpfFilterTableTest.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Sample;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The copy guard's sample in the guest device's classic BPF program: 1/G on top of the session's
 * own match and sample (1/(N·G)), decided by the kernel's per-frame random number before anything
 * else; G = 1 is the program unchanged.
 */
class CopyGuardSampleTest {
  private static final byte[] REQUEST = v4(TCP, "10.5.6.7", 40000, "10.1.2.3", 443);
  private static final byte[] REPLY = v4(TCP, "10.1.2.3", 443, "10.5.6.7", 40000);

  @Test
  void factorOneIsTheMatchUnchanged() {
    FilterMatch all = new FilterMatch.U32All();
    assertThat(FilterMatch.guarded(all, 1)).isSameAs(all);
    FilterMatch rules = new FilterMatch.Rules(BpfCompiler.compile(List.of(aws(false))));
    assertThat(FilterMatch.guarded(rules, 1)).isSameAs(rules);
    assertThat(FilterMatch.guarded(new FilterMatch.MatchAll(), 1))
        .isEqualTo(new FilterMatch.MatchAll());
  }

  @Test
  void everyFrameBecomesAProgramKeepingOneInG() {
    FilterMatch g8 = FilterMatch.guarded(new FilterMatch.U32All(), 8);
    assertThat(g8).isInstanceOf(FilterMatch.Rules.class);
    BpfProgram p = ((FilterMatch.Rules) g8).program();
    // ld rand; jge 2^29 ? ret 0 : on; ret -1
    assertThat(p.bytecode())
        .isEqualTo("4,32 0 0 4294963256,53 0 1 536870912,6 0 0 0,6 0 0 4294967295");
    assertThat(BpfInterpreter.run(p, Frames.arp(), () -> 0)).isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(p, Frames.arp(), () -> 536_870_911L)).isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(p, Frames.arp(), () -> 536_870_912L)).isZero();
    assertThat(BpfInterpreter.run(p, Frames.arp(), () -> 0xFFFF_FFFFL)).isZero();
    assertThat(kept(p, REQUEST, 80_000)).isBetween(9_500, 10_500);
  }

  @Test
  void theGuardComposesWithTheSessionsRulesAndSample() {
    BpfProgram own = BpfCompiler.compile(List.of(aws(false)), Sample.parse("1/10"));
    BpfProgram p =
        ((FilterMatch.Rules) FilterMatch.guarded(new FilterMatch.Rules(own), 4)).program();
    assertThat(p.insns()).hasSize(own.insns().size() + 3);
    assertThat(p.insns().subList(3, p.insns().size())).isEqualTo(own.insns());
    // Two draws: the guard's first, then the session's own sample.
    AtomicInteger call = new AtomicInteger();
    long[] draws = {0, 429_496_729L};
    assertThat(BpfInterpreter.run(p, REQUEST, () -> draws[call.getAndIncrement() % 2]))
        .isEqualTo(MATCH);
    assertThat(BpfInterpreter.run(p, REQUEST, () -> 1L << 30)).as("the guard refuses").isZero();
    assertThat(BpfInterpreter.run(p, REPLY, () -> 0)).as("the guard never adds").isZero();
    // 1/(10·4) of the matching frames, as the kernel runs it.
    int n = 0;
    for (int i = 0; i < 200_000; i++) {
      n += ClassicBpf.matches(p, REQUEST, REQUEST.length) ? 1 : 0;
    }
    assertThat(n).isBetween(4_500, 5_500);
    assertThat(kept(p, REPLY, 10_000)).isZero();
  }

  private static int kept(BpfProgram p, byte[] frame, int frames) {
    Random r = new Random(7);
    int n = 0;
    for (int i = 0; i < frames; i++) {
      n += BpfInterpreter.run(p, frame, () -> r.nextInt() & 0xFFFF_FFFFL) == MATCH ? 1 : 0;
    }
    return n;
  }
}
