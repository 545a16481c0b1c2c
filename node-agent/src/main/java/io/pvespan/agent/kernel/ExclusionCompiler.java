package io.pvespan.agent.kernel;

import io.pvespan.plan.Exclusion;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a plan entry's exclusions (each packet once per sensor) in front of its own match, as one
 * classic BPF program: for each exclusion in turn, a frame whose Ethernet source is one of its MACs
 * (any frame when it lists none) and that its filter matches (every frame when it has none) ends
 * the program with "no match", so this filter copies nothing; a frame no exclusion takes goes on to
 * the entry's own rules, or is copied when it has none.
 *
 * <p>An exclusion's filter is the session's rule program ({@link BpfCompiler}) embedded as is, with
 * its verdicts turned round: its "match" returns "no match", its "no match" jumps to the next
 * exclusion. Classic BPF jumps are relative, so a program embedded whole keeps its own jumps; the
 * long jumps between blocks are {@code ja} (32-bit offsets), the conditional ones stay within a few
 * instructions.
 */
public final class ExclusionCompiler {
  private static final int LD_W_ABS = 0x20;
  private static final int LD_H_ABS = 0x28;
  private static final int JA = 0x05;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;
  private static final int ETHER_SOURCE = 6;

  private ExclusionCompiler() {}

  /**
   * {@code exclusions} (non-empty, one side's) before {@code own} (the entry's rule program, or
   * null: copy every frame). Throws IllegalArgumentException past the kernel's 4096 instructions.
   */
  public static BpfProgram compile(List<Exclusion> exclusions, BpfProgram own) {
    List<BpfProgram.Insn> out = new ArrayList<>();
    for (Exclusion e : exclusions) {
      block(e, out);
    }
    return BpfProgram.before(out, own, "the exclusions");
  }

  /** One exclusion: falls through to the instruction after it when it does not take the frame. */
  private static void block(Exclusion e, List<BpfProgram.Insn> out) {
    BpfProgram filter = e.filter().isEmpty() ? null : BpfCompiler.compile(e.filter());
    int filterLength = filter == null ? 1 : filter.insns().size();
    List<String> macs = e.sourceMacs();
    // Per MAC: ld word 6; jeq high 4 bytes (else skip 3); ld half 10; jeq low 2 (else skip 1);
    // ja to the filter part. After the last MAC: ja past the block.
    for (int i = 0; i < macs.size(); i++) {
      long[] mac = parts(macs.get(i));
      int toFilter = 5 * (macs.size() - i - 1) + 1; // the ja's: remaining MACs + the final ja
      out.add(new BpfProgram.Insn(LD_W_ABS, 0, 0, ETHER_SOURCE));
      out.add(new BpfProgram.Insn(JEQ_K, 0, 3, mac[0]));
      out.add(new BpfProgram.Insn(LD_H_ABS, 0, 0, ETHER_SOURCE + 4));
      out.add(new BpfProgram.Insn(JEQ_K, 0, 1, mac[1]));
      out.add(new BpfProgram.Insn(JA, 0, 0, toFilter));
    }
    if (!macs.isEmpty()) {
      out.add(new BpfProgram.Insn(JA, 0, 0, filterLength)); // none of the MACs: not excluded
    }
    if (filter == null) {
      out.add(new BpfProgram.Insn(RET_K, 0, 0, 0));
      return;
    }
    List<BpfProgram.Insn> insns = filter.insns();
    for (int pc = 0; pc < insns.size(); pc++) {
      BpfProgram.Insn i = insns.get(pc);
      if (i.code() != RET_K) {
        out.add(i);
      } else if (i.k() != 0) {
        out.add(new BpfProgram.Insn(RET_K, 0, 0, 0)); // the filter takes it: excluded here
      } else {
        out.add(new BpfProgram.Insn(JA, 0, 0, insns.size() - pc - 1)); // on to the next block
      }
    }
  }

  /** A MAC's first four bytes and last two, as the loads read them (network order). */
  private static long[] parts(String mac) {
    String[] b = mac.split(":");
    long high = 0;
    for (int i = 0; i < 4; i++) {
      high = (high << 8) | Integer.parseInt(b[i], 16);
    }
    long low = (Integer.parseInt(b[4], 16) << 8) | Integer.parseInt(b[5], 16);
    return new long[] {high, low};
  }
}
