package io.pvespan.agent.kernel;

import static io.pvespan.agent.kernel.BpfAssembler.JEQ_K;
import static io.pvespan.agent.kernel.BpfAssembler.LDX_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_H_IND;
import static io.pvespan.agent.kernel.BpfAssembler.LD_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_W_IND;
import static io.pvespan.agent.kernel.BpfAssembler.RET_K;
import static io.pvespan.agent.kernel.BpfAssembler.ST;

import io.pvespan.plan.Share;

/**
 * A sensor group member's share in front of an entry's own match, as one classic BPF program: the
 * frame's symmetric flow hash modulo the share's count must equal its index, else the program ends
 * with "no match"; a frame in the share goes on to the entry's own program (exclusions, rules,
 * sample), or is copied when it has none.
 *
 * <p>The hash is the same for both directions of a flow because every part of it is an XOR of the
 * two ends: IPv4 {@code src ^ dst}; IPv6 the XOR of the eight 32-bit words of both addresses; for
 * TCP, UDP and SCTP also {@code sport ^ dport}, except for an IPv4 fragment (MF set or an offset:
 * all fragments of a datagram then hash alike) and a later IPv6 fragment; ARP the XOR of its sender
 * and target IPv4 addresses (a broadcast request hashes like its unicast reply); any other
 * EtherType (LLDP...) the XOR of the two MAC addresses. VLAN tags left in the frame are skipped as
 * the rules skip them ({@link BpfFrameParser}). The XOR is then mixed ({@code h * 0x9E3779B1},
 * Knuth's multiplicative hash, keeping the upper 16 bits) so that addresses or ports counting up
 * one by one do not simply alternate between members, and reduced {@code mod count} (BPF_MOD, Linux
 * 3.7+).
 */
public final class FlowHashCompiler {
  /** 2^32 divided by the golden ratio, odd: Knuth's multiplier. */
  static final long GOLDEN = 0x9E3779B1L;

  private static final int ALU_XOR_X = 0xac;
  private static final int ALU_MUL_K = 0x24;
  private static final int ALU_RSH_K = 0x74;
  private static final int ALU_MOD_K = 0x94;
  private static final int ALU_AND_K = 0x54;
  private static final int LD_W_ABS = 0x20;
  private static final int LD_H_ABS = 0x28;
  private static final int TAX = 0x07;
  private static final int M_HASH = 6;
  private static final int M_PORT = 7;
  private static final int ETH_ARP = 0x0806;

  private FlowHashCompiler() {}

  /**
   * {@code share}'s test before {@code own} (the entry's program, or null: copy every frame in the
   * share). Throws IllegalArgumentException past the kernel's 4096 instructions.
   */
  public static BpfProgram compile(Share share, BpfProgram own) {
    BpfAssembler asm = new BpfAssembler();
    bucket(asm, share.count());
    String keep = asm.label("keep");
    asm.jump(JEQ_K, share.index(), keep, null);
    asm.emit(RET_K, 0);
    asm.place(keep);
    return BpfProgram.before(asm.assemble().insns(), own, "the group share and filter");
  }

  /** Leaves the frame's bucket (hash mod {@code count}) in A. */
  private static void bucket(BpfAssembler asm, int count) {
    BpfFrameParser.emit(asm);
    String v4 = asm.label("hv4");
    String v6 = asm.label("hv6");
    String transport = asm.label("transport");
    String ports = asm.label("ports");
    String noPorts = asm.label("noports");
    String mix = asm.label("mix");
    String arp = asm.label("arp");
    asm.emit(LD_MEM, BpfFrameParser.M_ETHERTYPE);
    asm.jump(JEQ_K, BpfCompiler.Family.V4.etherType, v4, null);
    asm.jump(JEQ_K, BpfCompiler.Family.V6.etherType, v6, null);
    asm.jump(JEQ_K, ETH_ARP, arp, null);
    // Neither IP nor ARP: destination MAC ^ source MAC, as two words and two half-words.
    asm.emit(LD_W_ABS, 0);
    asm.emit(TAX, 0);
    asm.emit(LD_W_ABS, 6);
    asm.emit(ALU_XOR_X, 0);
    asm.emit(ST, M_HASH);
    asm.emit(LD_H_ABS, 4);
    asm.emit(TAX, 0);
    asm.emit(LD_H_ABS, 10);
    asm.emit(ALU_XOR_X, 0);
    asm.emit(LDX_MEM, M_HASH);
    asm.emit(ALU_XOR_X, 0);
    asm.ja(mix);
    asm.place(arp); // sender IPv4 ^ target IPv4: a broadcast request and its reply alike
    asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
    asm.emit(LD_W_IND, 28);
    asm.emit(ST, M_HASH);
    xorWord(asm, 38);
    asm.emit(LD_MEM, M_HASH);
    asm.ja(mix);
    asm.place(v4);
    asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
    asm.emit(LD_W_IND, 26);
    asm.emit(ST, M_HASH);
    xorWord(asm, 30);
    asm.emit(LD_H_IND, 20); // X is still the tag shift: flags and fragment offset
    asm.emit(ALU_AND_K, 0x3FFF);
    asm.jump(JEQ_K, 0, transport, noPorts);
    asm.place(v6);
    asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
    asm.emit(LD_W_IND, 22);
    asm.emit(ST, M_HASH);
    for (int w = 1; w < 8; w++) {
      xorWord(asm, 22 + 4L * w);
    }
    asm.emit(LD_MEM, BpfFrameParser.M_LATER_FRAGMENT);
    asm.jump(JEQ_K, 0, transport, noPorts);
    asm.place(transport);
    asm.emit(LD_MEM, BpfFrameParser.M_PROTO);
    asm.jump(JEQ_K, 6, ports, null);
    asm.jump(JEQ_K, 17, ports, null);
    asm.jump(JEQ_K, 132, ports, noPorts);
    asm.place(ports);
    asm.emit(LDX_MEM, BpfFrameParser.M_L4);
    asm.emit(LD_H_IND, 14);
    asm.emit(ST, M_PORT);
    asm.emit(LD_H_IND, 16);
    asm.emit(LDX_MEM, M_PORT);
    asm.emit(ALU_XOR_X, 0);
    asm.emit(LDX_MEM, M_HASH);
    asm.emit(ALU_XOR_X, 0);
    asm.emit(ST, M_HASH);
    asm.place(noPorts);
    asm.emit(LD_MEM, M_HASH);
    asm.place(mix);
    asm.emit(ALU_MUL_K, GOLDEN);
    asm.emit(ALU_RSH_K, 16);
    asm.emit(ALU_MOD_K, count);
  }

  /** M_HASH ^= the word at [tag shift + offset]; leaves X = the tag shift. */
  private static void xorWord(BpfAssembler asm, long offset) {
    asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
    asm.emit(LD_W_IND, offset);
    asm.emit(LDX_MEM, M_HASH);
    asm.emit(ALU_XOR_X, 0);
    asm.emit(ST, M_HASH);
    asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
  }
}
