package io.pvespan.agent.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classic BPF with symbolic labels: instructions are emitted with label names as jump targets and
 * resolved once at the end. Jumps go forward only (classic BPF has no backward jumps); a
 * conditional jump reaches at most 255 instructions, so {@link BpfCompiler} keeps them short with
 * local {@code ja} trampolines and this class refuses what it cannot encode.
 */
final class BpfAssembler {
  static final int LD_IMM = 0x00;
  static final int LD_W_ABS = 0x20;
  static final int LD_H_ABS = 0x28;
  static final int LD_W_IND = 0x40;
  static final int LD_H_IND = 0x48;
  static final int LD_B_IND = 0x50;
  static final int LD_MEM = 0x60;
  static final int LDX_IMM = 0x01;
  static final int LDX_MEM = 0x61;
  static final int ST = 0x02;
  static final int STX = 0x03;
  static final int ALU_AND_K = 0x54;
  static final int ALU_LSH_K = 0x64;
  static final int ALU_ADD_X = 0x0c;
  static final int ALU_ADD_K = 0x04;
  static final int TAX = 0x07;
  static final int TXA = 0x87;
  static final int JA = 0x05;
  static final int JEQ_K = 0x15;
  static final int JGT_K = 0x25;
  static final int JGE_K = 0x35;
  static final int JSET_K = 0x45;
  static final int RET_K = 0x06;

  /** {@code ld rand}: SKF_AD_OFF (-0x1000) + SKF_AD_RANDOM (56), a fresh 32-bit random number. */
  static final long RANDOM = 0xFFFF_F000L + 56;

  private record Pending(int code, long k, String jt, String jf, String jaTarget) {}

  private final List<Pending> code = new ArrayList<>();
  private final Map<String, Integer> labels = new HashMap<>();
  private int fresh;

  /** A label name not used before, starting with {@code hint}. */
  String label(String hint) {
    return hint + "#" + fresh++;
  }

  void emit(int op, long k) {
    code.add(new Pending(op, k, null, null, null));
  }

  /** A conditional jump; a null target is the next instruction. */
  void jump(int op, long k, String jt, String jf) {
    code.add(new Pending(op, k, jt, jf, null));
  }

  void ja(String target) {
    code.add(new Pending(JA, 0, null, null, target));
  }

  void place(String label) {
    if (labels.putIfAbsent(label, code.size()) != null) {
      throw new IllegalStateException("BPF label placed twice: " + label);
    }
  }

  BpfProgram assemble() {
    if (code.size() > BpfProgram.MAX_INSNS) {
      throw new IllegalArgumentException(
          "the filter compiles to "
              + code.size()
              + " BPF instructions, more than the kernel's "
              + BpfProgram.MAX_INSNS
              + ": use fewer or simpler rules");
    }
    List<BpfProgram.Insn> out = new ArrayList<>();
    for (int pc = 0; pc < code.size(); pc++) {
      Pending p = code.get(pc);
      if (p.jaTarget() != null) {
        out.add(new BpfProgram.Insn(JA, 0, 0, offset(pc, p.jaTarget(), Integer.MAX_VALUE)));
      } else {
        out.add(
            new BpfProgram.Insn(p.code(), offset(pc, p.jt(), 255), offset(pc, p.jf(), 255), p.k()));
      }
    }
    return new BpfProgram(out);
  }

  private int offset(int pc, String label, int max) {
    if (label == null) {
      return 0;
    }
    Integer target = labels.get(label);
    if (target == null) {
      throw new IllegalStateException("unresolved BPF label " + label);
    }
    int distance = target - pc - 1;
    if (distance < 0 || distance > max) {
      throw new IllegalArgumentException("filter rule too large for a BPF jump (" + distance + ")");
    }
    return distance;
  }
}
