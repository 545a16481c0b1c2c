package io.pvespan.agent.kernel;

import static io.pvespan.agent.kernel.BpfAssembler.ALU_ADD_K;
import static io.pvespan.agent.kernel.BpfAssembler.ALU_ADD_X;
import static io.pvespan.agent.kernel.BpfAssembler.ALU_AND_K;
import static io.pvespan.agent.kernel.BpfAssembler.ALU_LSH_K;
import static io.pvespan.agent.kernel.BpfAssembler.JEQ_K;
import static io.pvespan.agent.kernel.BpfAssembler.LDX_IMM;
import static io.pvespan.agent.kernel.BpfAssembler.LDX_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_B_IND;
import static io.pvespan.agent.kernel.BpfAssembler.LD_H_IND;
import static io.pvespan.agent.kernel.BpfAssembler.LD_IMM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.ST;
import static io.pvespan.agent.kernel.BpfAssembler.STX;
import static io.pvespan.agent.kernel.BpfAssembler.TXA;

/**
 * The prologue of every compiled filter: parses the frame once into scratch memory so that the
 * rules only compare. It skips up to two VLAN tags left in the data (802.1Q, 802.1ad), reads the
 * IPv4 header length and fragment offset, or walks up to {@value #IPV6_EXTENSIONS} IPv6 extension
 * headers to the transport header. Every path stores every scratch word it defines before a rule
 * can read it (the kernel's classic BPF checker refuses a load of a word not stored on all paths).
 */
final class BpfFrameParser {
  /** Scratch words the prologue fills: every path stores each before any rule reads it. */
  static final int M_ETHERTYPE = 0;

  static final int M_SHIFT = 1;
  static final int M_PROTO = 2;

  /** The transport header starts at M_L4 + 14 (so ports load as {@code [x + 14]}). */
  static final int M_L4 = 3;

  /** Non-zero: a fragment other than the first (it carries no ports). */
  static final int M_LATER_FRAGMENT = 4;

  private static final int M_TMP = 5;
  static final int IPV6_EXTENSIONS = 4;
  private static final int ETH_8021Q = 0x8100;
  private static final int ETH_8021AD = 0x88A8;

  private BpfFrameParser() {}

  /** Parses the frame into the scratch words (see the class comment). */
  static void emit(BpfAssembler asm) {
    String done = asm.label("l3");
    asm.emit(LDX_IMM, 0);
    for (int tags = 0; tags < 2; tags++) {
      String tagged = asm.label("tag");
      asm.emit(LD_H_IND, 12);
      asm.jump(JEQ_K, ETH_8021Q, tagged, null);
      asm.jump(JEQ_K, ETH_8021AD, tagged, done);
      asm.place(tagged);
      asm.emit(LDX_IMM, 4L * (tags + 1));
    }
    asm.emit(LD_H_IND, 12);
    asm.place(done);
    asm.emit(ST, M_ETHERTYPE);
    asm.emit(STX, M_SHIFT);
    asm.emit(LD_IMM, 0);
    asm.emit(ST, M_PROTO);
    asm.emit(ST, M_L4);
    asm.emit(ST, M_LATER_FRAGMENT);
    String v4 = asm.label("v4");
    String v6 = asm.label("v6");
    String parsed = asm.label("parsed");
    asm.emit(LD_MEM, M_ETHERTYPE);
    asm.jump(JEQ_K, BpfCompiler.Family.V4.etherType, v4, null);
    asm.jump(JEQ_K, BpfCompiler.Family.V6.etherType, v6, null);
    asm.ja(parsed);
    asm.place(v4);
    asm.emit(LD_B_IND, 23);
    asm.emit(ST, M_PROTO);
    asm.emit(LD_H_IND, 20); // flags and fragment offset
    asm.emit(ALU_AND_K, 0x1FFF);
    asm.emit(ST, M_LATER_FRAGMENT);
    asm.emit(LD_B_IND, 14); // version and IHL
    asm.emit(ALU_AND_K, 0xF);
    asm.emit(ALU_LSH_K, 2);
    asm.emit(ALU_ADD_X, 0);
    asm.emit(ST, M_L4);
    asm.ja(parsed);
    asm.place(v6);
    asm.emit(LD_B_IND, 20);
    asm.emit(ST, M_PROTO);
    asm.emit(TXA, 0);
    asm.emit(ALU_ADD_K, 40);
    asm.emit(ST, M_L4);
    for (int n = 0; n < IPV6_EXTENSIONS; n++) {
      extension(asm);
    }
    asm.place(parsed);
  }

  /**
   * One IPv6 extension header, if M_PROTO names one: M_PROTO becomes its next header and M_L4 moves
   * past it; a fragment header with a non-zero offset marks a later fragment.
   */
  private static void extension(BpfAssembler asm) {
    String options = asm.label("opts");
    String fragment = asm.label("frag");
    String ah = asm.label("ah");
    String next = asm.label("ext");
    asm.emit(LD_MEM, M_PROTO);
    asm.jump(JEQ_K, 0, options, null); // hop-by-hop
    asm.jump(JEQ_K, 43, options, null); // routing
    asm.jump(JEQ_K, 60, options, null); // destination options
    asm.jump(JEQ_K, 44, fragment, null);
    asm.jump(JEQ_K, 51, ah, null);
    asm.ja(next);
    asm.place(options); // length in 8-byte units, not counting the first 8
    lengthThenNext(asm, 1, 3);
    asm.ja(next);
    asm.place(ah); // length in 4-byte units, not counting the first 8
    lengthThenNext(asm, 2, 2);
    asm.ja(next);
    asm.place(fragment);
    asm.emit(LDX_MEM, M_L4);
    asm.emit(LD_H_IND, 16);
    asm.emit(ALU_AND_K, 0xFFF8);
    asm.emit(ST, M_LATER_FRAGMENT);
    asm.emit(LD_B_IND, 14);
    asm.emit(ST, M_PROTO);
    asm.emit(LD_MEM, M_L4);
    asm.emit(ALU_ADD_K, 8);
    asm.emit(ST, M_L4);
    asm.place(next);
  }

  /** M_L4 += (length byte + add) << shift; M_PROTO = the header's next header. */
  private static void lengthThenNext(BpfAssembler asm, int add, int shift) {
    asm.emit(LDX_MEM, M_L4);
    asm.emit(LD_B_IND, 15);
    asm.emit(ALU_ADD_K, add);
    asm.emit(ALU_LSH_K, shift);
    asm.emit(ALU_ADD_X, 0);
    asm.emit(ST, M_TMP);
    asm.emit(LD_B_IND, 14);
    asm.emit(ST, M_PROTO);
    asm.emit(LD_MEM, M_TMP);
    asm.emit(ST, M_L4);
  }
}
