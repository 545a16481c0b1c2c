package io.pvespan.agent.kernel;

import static io.pvespan.agent.kernel.BpfAssembler.ALU_AND_K;
import static io.pvespan.agent.kernel.BpfAssembler.JEQ_K;
import static io.pvespan.agent.kernel.BpfAssembler.JGE_K;
import static io.pvespan.agent.kernel.BpfAssembler.JGT_K;
import static io.pvespan.agent.kernel.BpfAssembler.LDX_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_H_IND;
import static io.pvespan.agent.kernel.BpfAssembler.LD_MEM;
import static io.pvespan.agent.kernel.BpfAssembler.LD_W_ABS;
import static io.pvespan.agent.kernel.BpfAssembler.LD_W_IND;
import static io.pvespan.agent.kernel.BpfAssembler.RET_K;

import io.pvespan.model.PortRange;
import io.pvespan.model.PortSet;
import io.pvespan.model.Sample;
import io.pvespan.spec.FilterRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Compiles the filter rules of one tc hook (first match wins; accept = mirror, reject/drop = do not
 * mirror; nothing matched = not mirrored) and a session's sample into one classic BPF program for
 * {@code cls_bpf}. Rules run lowest {@code number} first, in list order without numbers.
 *
 * <p>Why not u32: a mirror must use the {@code continue} control so Proxmox's police filter at prio
 * 50 still sees every packet, and u32 goes on to its next key after a {@code continue} action
 * (net/sched/cls_u32.c, {@code if (r < 0) goto next_knode}). Two keys of one rule set that both
 * match a packet would then mirror it twice, and a reject rule cannot stop the scan without the
 * gact action, which kernels may lack. One BPF program evaluates the whole list and returns once.
 *
 * <p>Offsets are from the Ethernet header (cls_bpf pushes the MAC header at ingress too). The
 * kernel usually moves a guest's outer 802.1Q tag into skb metadata before tc sees the frame, but
 * an inner tag (Q-in-Q) or a tag left in the data shifts the IP header. A prologue parses each
 * frame once into scratch memory: it skips up to two 802.1Q/802.1ad tags, reads the IPv4 header
 * length (options) or walks up to {@value BpfFrameParser#IPV6_EXTENSIONS} IPv6 extension headers
 * (hop-by-hop, routing, destination options, fragment, AH), and keeps the EtherType, the tag shift,
 * the transport protocol, where the transport header starts and whether this is a later fragment
 * (no ports). The rules then only compare.
 *
 * <p>Sampling: an accepted frame is copied when the kernel's per-frame random number ({@code ld
 * rand}) is below round(2^32/N).
 */
public final class BpfCompiler {
  /** -1: matched, the filter's actions run. 0: no match, classification goes on. */
  static final long MATCH = 0xFFFF_FFFFL;

  enum Family {
    V4(0x0800, 26, 30),
    V6(0x86DD, 22, 38);

    final int etherType;
    final int srcOffset;
    final int dstOffset;

    Family(int etherType, int srcOffset, int dstOffset) {
      this.etherType = etherType;
      this.srcOffset = srcOffset;
      this.dstOffset = dstOffset;
    }
  }

  /** Which field of the packet a condition reads: source, destination, or either of them. */
  private enum Side {
    SRC,
    DST,
    EITHER
  }

  private record AddrCond(Side side, Cidr cidr) {}

  private record PortCond(Side side, PortSet ports) {}

  /** Every condition must hold (one way of matching a rule). */
  private record Conjunction(List<AddrCond> addresses, List<PortCond> ports) {}

  private final BpfAssembler asm = new BpfAssembler();
  private final String accept = asm.label("accept");

  private BpfCompiler() {}

  /** The program for {@code rules} (non-empty) without sampling. */
  public static BpfProgram compile(List<FilterRule> rules) {
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("no filter rules to compile");
    }
    return compile(rules, null);
  }

  /**
   * The program for {@code rules} (those of one tc hook; empty: every frame) and {@code sample}
   * (null: every accepted frame). Throws IllegalArgumentException when a rule cannot be expressed
   * (a CIDR that is not one, a program too large for classic BPF).
   */
  public static BpfProgram compile(List<FilterRule> rules, Sample sample) {
    BpfCompiler c = new BpfCompiler();
    if (rules.isEmpty()) {
      c.asm.ja(c.accept);
    } else {
      BpfFrameParser.emit(c.asm);
      List<FilterRule> ordered = new ArrayList<>(rules);
      ordered.sort(Comparator.comparing(r -> r.number() == null ? 0 : r.number()));
      for (FilterRule r : ordered) {
        c.rule(r);
      }
      c.asm.emit(RET_K, 0); // default reject
    }
    c.acceptBlock(sample);
    return c.asm.assemble();
  }

  private void rule(FilterRule r) {
    String hit = asm.label("hit");
    String next = asm.label("next");
    List<Conjunction> ways = conjunctions(r);
    List<Family> families = families(r);
    if (ways.size() == 1
        && ways.get(0).addresses().isEmpty()
        && ways.get(0).ports().isEmpty()
        && r.protocol() == null) {
      verdict(r); // matches every frame
      return;
    }
    for (Family f : families) {
      for (Conjunction way : ways) {
        String fail = asm.label("fail");
        block(f, r, way, fail);
        asm.ja(hit);
        asm.place(fail);
      }
    }
    asm.ja(next);
    asm.place(hit);
    verdict(r);
    asm.place(next);
  }

  private void verdict(FilterRule r) {
    if (r.action().mirrors()) {
      asm.ja(accept);
    } else {
      asm.emit(RET_K, 0);
    }
  }

  /** The ways {@code r} can match: as written, and swapped when it is symmetric. */
  private static List<Conjunction> conjunctions(FilterRule r) {
    List<AddrCond> addrs = new ArrayList<>();
    List<PortCond> ports = new ArrayList<>();
    if (r.cidr() != null) {
      addrs.add(new AddrCond(Side.EITHER, Cidr.parse(r.cidr())));
    }
    if (r.ports() != null) {
      ports.add(new PortCond(Side.EITHER, r.ports()));
    }
    if (r.source() != null) {
      if (r.source().cidr() != null) {
        addrs.add(new AddrCond(Side.SRC, Cidr.parse(r.source().cidr())));
      }
      if (r.source().ports() != null) {
        ports.add(new PortCond(Side.SRC, r.source().ports()));
      }
    }
    if (r.destination() != null) {
      if (r.destination().cidr() != null) {
        addrs.add(new AddrCond(Side.DST, Cidr.parse(r.destination().cidr())));
      }
      if (r.destination().ports() != null) {
        ports.add(new PortCond(Side.DST, r.destination().ports()));
      }
    }
    Conjunction written = new Conjunction(addrs, ports);
    if (!r.symmetric() || (addrs.isEmpty() && ports.isEmpty())) {
      return List.of(written);
    }
    List<AddrCond> swappedAddrs =
        addrs.stream().map(a -> new AddrCond(swap(a.side()), a.cidr())).toList();
    List<PortCond> swappedPorts =
        ports.stream().map(p -> new PortCond(swap(p.side()), p.ports())).toList();
    return List.of(written, new Conjunction(swappedAddrs, swappedPorts));
  }

  private static Side swap(Side s) {
    return s == Side.SRC ? Side.DST : s == Side.DST ? Side.SRC : Side.EITHER;
  }

  /** The IP versions a rule can match: its CIDRs' (one version, validated), else its protocol's. */
  private static List<Family> families(FilterRule r) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String c :
        new String[] {
          r.cidr(),
          r.source() == null ? null : r.source().cidr(),
          r.destination() == null ? null : r.destination().cidr()
        }) {
      if (c != null) {
        cidrs.add(Cidr.parse(c));
      }
    }
    if (!cidrs.isEmpty()) {
      boolean v4 = cidrs.get(0).network().ipv4();
      if (cidrs.stream().anyMatch(c -> c.network().ipv4() != v4)) {
        throw new IllegalArgumentException("a rule mixes IPv4 and IPv6 addresses: " + cidrs);
      }
      return List.of(v4 ? Family.V4 : Family.V6);
    }
    if (r.protocol() == FilterRule.Protocol.ICMP) {
      return List.of(Family.V4);
    }
    if (r.protocol() == FilterRule.Protocol.ICMPV6) {
      return List.of(Family.V6);
    }
    return List.of(Family.V4, Family.V6);
  }

  /** Falls through when {@code way} matches a frame of family {@code f}, else jumps to fail. */
  private void block(Family f, FilterRule r, Conjunction way, String fail) {
    asm.emit(LD_MEM, BpfFrameParser.M_ETHERTYPE);
    asm.jump(JEQ_K, f.etherType, null, fail);
    if (r.protocol() != null) {
      asm.emit(LD_MEM, BpfFrameParser.M_PROTO);
      asm.jump(JEQ_K, r.protocol().number(), null, fail);
    }
    if (!way.addresses().isEmpty()) {
      asm.emit(LDX_MEM, BpfFrameParser.M_SHIFT);
    }
    for (AddrCond a : way.addresses()) {
      guarded(fail, local -> address(f, a, local));
    }
    if (!way.ports().isEmpty()) {
      asm.emit(LD_MEM, BpfFrameParser.M_LATER_FRAGMENT);
      asm.jump(JEQ_K, 0, null, fail);
      asm.emit(LDX_MEM, BpfFrameParser.M_L4);
      for (PortCond p : way.ports()) {
        guarded(fail, local -> ports(p, local));
      }
    }
  }

  /**
   * Emits a condition whose mismatches jump to a local trampoline right behind it, so that every
   * conditional jump stays short however long the rest of the block is.
   */
  private void guarded(String fail, java.util.function.Consumer<String> condition) {
    String local = asm.label("miss");
    String ok = asm.label("ok");
    condition.accept(local);
    asm.ja(ok);
    asm.place(local);
    asm.ja(fail);
    asm.place(ok);
  }

  private void address(Family f, AddrCond a, String miss) {
    if (a.side() != Side.EITHER) {
      words(a.side() == Side.SRC ? f.srcOffset : f.dstOffset, a.cidr(), miss);
      return;
    }
    String tryDst = asm.label("dst");
    String ok = asm.label("addr");
    words(f.srcOffset, a.cidr(), tryDst);
    asm.ja(ok);
    asm.place(tryDst);
    words(f.dstOffset, a.cidr(), miss);
    asm.place(ok);
  }

  private void words(int offset, Cidr cidr, String miss) {
    for (int w = 0; w < cidr.words(); w++) {
      asm.emit(LD_W_IND, offset + 4L * w);
      if (cidr.mask(w) != 0xFFFF_FFFFL) {
        asm.emit(ALU_AND_K, cidr.mask(w));
      }
      asm.jump(JEQ_K, cidr.word(w), null, miss);
    }
  }

  /** X holds where the transport header starts, minus 14. */
  private void ports(PortCond p, String miss) {
    int src = 14;
    if (p.side() != Side.EITHER) {
      asm.emit(LD_H_IND, p.side() == Side.SRC ? src : src + 2);
      oneOf(p.ports(), miss);
      return;
    }
    String tryDst = asm.label("dport");
    String ok = asm.label("ports");
    asm.emit(LD_H_IND, src);
    oneOf(p.ports(), tryDst);
    asm.ja(ok);
    asm.place(tryDst);
    asm.emit(LD_H_IND, src + 2);
    oneOf(p.ports(), miss);
    asm.place(ok);
  }

  /** Falls through when A is in {@code ports}, else jumps to {@code miss}. */
  private void oneOf(PortSet ports, String miss) {
    String in = asm.label("in");
    for (PortRange range : ports.ranges()) {
      if (range.single()) {
        asm.jump(JEQ_K, range.from(), in, null);
      } else {
        String nextRange = asm.label("range");
        asm.jump(JGE_K, range.from(), null, nextRange);
        asm.jump(JGT_K, range.to(), nextRange, in);
        asm.place(nextRange);
      }
    }
    asm.ja(miss);
    asm.place(in);
  }

  /**
   * A test for {@link BpfProgram#before}: refuses a frame unless the kernel's per-frame random
   * number is below {@code sample}'s threshold (keeps 1/N), else falls through. Each {@code ld
   * rand} is a fresh number, so in front of a program that samples 1/M itself it keeps 1/(N·M).
   */
  static List<BpfProgram.Insn> sampleTest(Sample sample) {
    if (sample.everything()) {
      return List.of();
    }
    return List.of(
        new BpfProgram.Insn(LD_W_ABS, 0, 0, BpfAssembler.RANDOM),
        new BpfProgram.Insn(JGE_K, 0, 1, sample.threshold()),
        new BpfProgram.Insn(RET_K, 0, 0, 0));
  }

  private void acceptBlock(Sample sample) {
    asm.place(accept);
    if (sample != null && !sample.everything()) {
      asm.emit(LD_W_ABS, BpfAssembler.RANDOM);
      asm.jump(JGE_K, sample.threshold(), null, "copy");
      asm.emit(RET_K, 0);
      asm.place("copy");
    }
    asm.emit(RET_K, MATCH);
  }
}
