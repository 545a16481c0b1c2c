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

  /**
   * {@code test} (instructions that return 0 for a frame they refuse and fall through otherwise) in
   * front of {@code own} (the entry's program, or null: copy every frame the test lets through).
   *
   * @param what what needs the instructions, for the error past the kernel's {@link #MAX_INSNS}
   * @throws IllegalArgumentException when the whole is longer than {@link #MAX_INSNS}
   */
  static BpfProgram before(List<Insn> test, BpfProgram own, String what) {
    List<Insn> out = new java.util.ArrayList<>(test);
    if (own == null) {
      out.add(new Insn(0x06, 0, 0, BpfCompiler.MATCH)); // ret: copy
    } else {
      out.addAll(own.insns());
    }
    if (out.size() > MAX_INSNS) {
      throw new IllegalArgumentException(
          what + " need " + out.size() + " BPF instructions, more than the kernel's " + MAX_INSNS);
    }
    return new BpfProgram(out);
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
