package io.pvespan.agent.kernel;

/**
 * Runs a classic BPF program over one captured Ethernet frame, as the kernel runs it for {@code
 * cls_bpf} (offsets from the Ethernet header): how a live capture keeps only what the session's
 * filter mirrors, with the very program {@link BpfCompiler} makes for the kernel. Loads, ALU,
 * jumps, returns and scratch memory; a load past the frame's end, a division by zero or an unknown
 * opcode ends the program with 0 (no match), as the kernel does. Programs cannot loop (jumps go
 * forward).
 */
public final class ClassicBpf {
  /** {@code SKF_AD_OFF}: absolute loads from here on are the kernel's extensions, not the frame. */
  private static final long ANCILLARY = 0xFFFF_F000L;

  private ClassicBpf() {}

  /** True when {@code program} returns non-zero for {@code frame} ({@code wireLength}: len). */
  public static boolean matches(BpfProgram program, byte[] frame, int wireLength) {
    return run(program, frame, wireLength) != 0;
  }

  static long run(BpfProgram program, byte[] p, int wireLength) {
    var insns = program.insns();
    long a = 0;
    long x = 0;
    long[] mem = new long[16];
    for (int pc = 0; pc < insns.size(); pc++) {
      BpfProgram.Insn i = insns.get(pc);
      int code = i.code();
      long k = i.k();
      switch (code & 0x07) {
        case 0x00, 0x01 -> { // LD, LDX
          long v;
          switch (code & 0xe0) {
            case 0x00 -> v = k; // IMM
            case 0x20, 0x40 -> { // ABS, IND
              long off = (code & 0xe0) == 0x40 ? (x + k) & 0xFFFF_FFFFL : k;
              if ((code & 0xe0) == 0x20 && off >= ANCILLARY) {
                Long extension = ancillary(off - ANCILLARY, p);
                if (extension == null) {
                  return 0;
                }
                v = extension;
                break;
              }
              int size = size(code);
              if (size == 0 || off + size > p.length) {
                return 0;
              }
              v = load(p, (int) off, size);
            }
            case 0x60 -> v = mem[(int) (k & 0xf)]; // MEM
            case 0x80 -> v = wireLength; // LEN
            case 0xa0 -> { // MSH (LDX only): 4 * (P[k] & 0xf)
              if (k >= p.length) {
                return 0;
              }
              v = 4L * (p[(int) k] & 0xf);
            }
            default -> {
              return 0;
            }
          }
          if ((code & 0x07) == 0x00) {
            a = v;
          } else {
            x = v;
          }
        }
        case 0x02 -> mem[(int) (k & 0xf)] = a; // ST
        case 0x03 -> mem[(int) (k & 0xf)] = x; // STX
        case 0x04 -> { // ALU
          long operand = (code & 0x08) != 0 ? x : k;
          switch (code & 0xf0) {
            case 0x00 -> a = a + operand;
            case 0x10 -> a = a - operand;
            case 0x20 -> a = a * operand;
            case 0x30 -> {
              if (operand == 0) {
                return 0;
              }
              a = a / operand;
            }
            case 0x40 -> a = a | operand;
            case 0x50 -> a = a & operand;
            case 0x60 -> a = operand >= 32 ? 0 : a << operand;
            case 0x70 -> a = operand >= 32 ? 0 : a >>> operand;
            case 0x80 -> a = -a;
            case 0x90 -> {
              if (operand == 0) {
                return 0;
              }
              a = a % operand;
            }
            case 0xa0 -> a = a ^ operand;
            default -> {
              return 0;
            }
          }
          a &= 0xFFFF_FFFFL;
        }
        case 0x05 -> { // JMP
          long operand = (code & 0x08) != 0 ? x : k;
          boolean taken;
          switch (code & 0xf0) {
            case 0x00 -> { // JA
              pc += (int) k;
              continue;
            }
            case 0x10 -> taken = a == operand;
            case 0x20 -> taken = a > operand;
            case 0x30 -> taken = a >= operand;
            case 0x40 -> taken = (a & operand) != 0;
            default -> {
              return 0;
            }
          }
          pc += taken ? i.jt() : i.jf();
        }
        case 0x06 -> { // RET
          return (code & 0x18) == 0x10 ? a : k;
        }
        case 0x07 -> { // MISC
          if ((code & 0xf8) == 0x00) {
            x = a; // TAX
          } else {
            a = x; // TXA
          }
        }
        default -> {
          return 0;
        }
      }
    }
    return 0;
  }

  /**
   * The kernel's ancillary loads ({@code SKF_AD_OFF} + n) that make sense for a captured frame:
   * {@code protocol} (the EtherType) and {@code rand} (a session's {@code sample: 1/N}: a capture
   * then holds a sample of its own, about 1/N). Others: null (the program ends with 0).
   */
  private static Long ancillary(long n, byte[] p) {
    if (n == 0) { // SKF_AD_PROTOCOL
      return p.length >= 14 ? load(p, 12, 2) : null;
    }
    if (n == 56) { // SKF_AD_RANDOM
      return java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 32);
    }
    return null;
  }

  private static int size(int code) {
    return switch (code & 0x18) {
      case 0x00 -> 4;
      case 0x08 -> 2;
      case 0x10 -> 1;
      default -> 0;
    };
  }

  private static long load(byte[] p, int off, int size) {
    long v = 0;
    for (int n = 0; n < size; n++) {
      v = (v << 8) | (p[off + n] & 0xff);
    }
    return v;
  }
}
