package io.pvespan.agent.kernel;

/** A tiny classic-BPF interpreter for the opcodes {@link BpfCompiler} emits (tests only). */
final class BpfInterpreter {
  private BpfInterpreter() {}

  /** Runs {@code p} over {@code frame}; an out-of-bounds load returns 0 like the kernel. */
  static long run(BpfProgram p, byte[] frame) {
    long a = 0;
    long x = 0;
    int pc = 0;
    while (true) {
      BpfProgram.Insn i = p.insns().get(pc);
      long k = i.k();
      switch (i.code()) {
        case 0x20 -> a = load(frame, (int) k, 4);
        case 0x28 -> a = load(frame, (int) k, 2);
        case 0x30 -> a = load(frame, (int) k, 1);
        case 0x48 -> a = load(frame, (int) (x + k), 2);
        case 0xb1 -> x = 4L * (load(frame, (int) k, 1) & 0xF);
        case 0x54 -> a &= k;
        case 0x05 -> pc += (int) k;
        case 0x15 -> pc += a == k ? i.jt() : i.jf();
        case 0x45 -> pc += (a & k) != 0 ? i.jt() : i.jf();
        case 0x06 -> {
          return k;
        }
        default -> throw new IllegalStateException("opcode " + i.code());
      }
      if (a < -1) {
        return 0;
      }
      pc++;
    }
  }

  private static long load(byte[] f, int off, int size) {
    if (off < 0 || off + size > f.length) {
      return -2; // the kernel aborts the program with 0
    }
    long v = 0;
    for (int n = 0; n < size; n++) {
      v = (v << 8) | (f[off + n] & 0xFF);
    }
    return v;
  }
}
