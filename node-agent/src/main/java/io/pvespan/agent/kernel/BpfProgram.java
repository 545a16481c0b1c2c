package io.pvespan.agent.kernel;

import java.util.List;

/**
 * A classic BPF program for {@code tc filter ... bpf bytecode "..."}: a list of instructions, each
 * four numbers. Only {@link BpfCompiler} makes them, so the bytecode text holds digits, spaces and
 * commas only.
 */
public record BpfProgram(List<Insn> insns) {
  /** Linux caps classic BPF programs at 4096 instructions (BPF_MAXINSNS). */
  public static final int MAX_INSNS = 4096;

  public BpfProgram {
    insns = List.copyOf(insns);
    if (insns.isEmpty() || insns.size() > MAX_INSNS) {
      throw new IllegalArgumentException("a BPF program has 1.." + MAX_INSNS + " instructions");
    }
  }

  /** One instruction: opcode, jump-if-true, jump-if-false, constant. */
  public record Insn(int code, int jt, int jf, long k) {
    public Insn {
      if (code < 0 || code > 0xFFFF || jt < 0 || jt > 255 || jf < 0 || jf > 255) {
        throw new IllegalArgumentException("bad BPF instruction " + code + " " + jt + " " + jf);
      }
      if (k < 0 || k > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("BPF constant " + k + " is not 32-bit");
      }
    }
  }

  /** iproute2's format: {@code N,code jt jf k,code jt jf k,...}. */
  public String bytecode() {
    StringBuilder b = new StringBuilder().append(insns.size());
    for (Insn i : insns) {
      b.append(',').append(i.code()).append(' ').append(i.jt()).append(' ').append(i.jf());
      b.append(' ').append(i.k());
    }
    return b.toString();
  }
}
