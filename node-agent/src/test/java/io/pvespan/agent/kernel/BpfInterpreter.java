package io.pvespan.agent.kernel;

import java.util.function.LongSupplier;

/**
 * A small classic-BPF interpreter for the opcodes {@link BpfCompiler} emits (tests only), written
 * from the classic BPF semantics: A and X are 32-bit, 16 scratch words, an out-of-bounds load ends
 * the program with 0, {@code ld rand} reads {@code random}.
 */
final class BpfInterpreter {
  private static final long U32 = 0xFFFF_FFFFL;

  private BpfInterpreter() {}

  /** Runs {@code p} over {@code frame} with a random number that never samples a frame out. */
  static long run(BpfProgram p, byte[] frame) {
    return run(p, frame, () -> 0);
  }

  static long run(BpfProgram p, byte[] frame, LongSupplier random) {
    long a = 0;
    long x = 0;
    long[] mem = new long[16];
    int pc = 0;
    int steps = 0;
    while (true) {
      if (++steps > BpfProgram.MAX_INSNS) {
        throw new IllegalStateException("more steps than instructions: a backward jump?");
      }
      BpfProgram.Insn i = p.insns().get(pc);
      long k = i.k();
      long loaded = 0;
      switch (i.code()) {
        case 0x20 ->
            loaded = a = k == BpfAssembler.RANDOM ? random.getAsLong() & U32 : load(frame, k, 4);
        case 0x28 -> loaded = a = load(frame, k, 2);
        case 0x30 -> loaded = a = load(frame, k, 1);
        case 0x40 -> loaded = a = load(frame, x + k, 4);
        case 0x48 -> loaded = a = load(frame, x + k, 2);
        case 0x50 -> loaded = a = load(frame, x + k, 1);
        case 0x00 -> a = k;
        case 0x04 -> a = (a + k) & U32;
        case 0x87 -> a = x;
        case 0x60 -> a = mem[(int) k];
        case 0x01 -> x = k;
        case 0x61 -> x = mem[(int) k];
        case 0xb1 -> {
          loaded = load(frame, k, 1);
          x = 4L * (loaded & 0xF);
        }
        case 0x02 -> mem[(int) k] = a;
        case 0x03 -> mem[(int) k] = x;
        case 0x54 -> a &= k;
        case 0x64 -> a = (a << k) & U32;
        case 0x0c -> a = (a + x) & U32;
        case 0x07 -> x = a;
        case 0xac -> a ^= x;
        case 0x24 -> a = (a * k) & U32;
        case 0x74 -> a = a >>> k;
        case 0x94 -> {
          if (k == 0) {
            return 0;
          }
          a %= k;
        }
        case 0x05 -> pc += (int) k;
        case 0x15 -> pc += a == k ? i.jt() : i.jf();
        case 0x25 -> pc += a > k ? i.jt() : i.jf();
        case 0x35 -> pc += a >= k ? i.jt() : i.jf();
        case 0x45 -> pc += (a & k) != 0 ? i.jt() : i.jf();
        case 0x06 -> {
          return k;
        }
        default -> throw new IllegalStateException("opcode " + i.code());
      }
      if (loaded < 0) {
        return 0;
      }
      pc++;
    }
  }

  private static long load(byte[] f, long off, int size) {
    if (off < 0 || off + size > f.length) {
      return -1; // the kernel ends the program with 0
    }
    long v = 0;
    for (int n = 0; n < size; n++) {
      v = (v << 8) | (f[(int) off + n] & 0xFF);
    }
    return v;
  }
}
