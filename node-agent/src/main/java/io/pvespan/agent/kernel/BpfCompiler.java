package io.pvespan.agent.kernel;

import io.pvespan.spec.FilterRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a session's filter rules (first match wins; accept = mirror, drop = do not mirror;
 * nothing matched = not mirrored) into one classic BPF program for {@code cls_bpf}.
 *
 * <p>Why not u32: a mirror must use the {@code continue} control so Proxmox's police filter at prio
 * 50 still sees every packet, and u32 goes on to its next key after a {@code continue} action
 * (net/sched/cls_u32.c, {@code if (r < 0) goto next_knode}). Two keys of one rule set that both
 * match a packet (source and destination inside the CIDR, or overlapping rules) would then mirror
 * it twice, and a "drop" rule cannot stop the scan without the gact action, which kernels may lack.
 * Measured on this kernel: two matching u32 keys with mirred continue deliver 2 copies per packet.
 * One BPF program evaluates the whole list and returns once: exactly one copy or none.
 *
 * <p>Offsets are from the Ethernet header (cls_bpf pushes the MAC header at ingress too); frames
 * are untagged on a tap (VLAN tags live in skb metadata). IPv4 ports are read behind the real
 * header length and only from first fragments; IPv6 ports assume no extension headers.
 */
public final class BpfCompiler {
  private static final int LD_W_ABS = 0x20;
  private static final int LD_H_ABS = 0x28;
  private static final int LD_B_ABS = 0x30;
  private static final int LD_H_IND = 0x48;
  private static final int LDX_B_MSH = 0xb1;
  private static final int ALU_AND_K = 0x54;
  private static final int JA = 0x05;
  private static final int JEQ_K = 0x15;
  private static final int JSET_K = 0x45;
  private static final int RET_K = 0x06;

  /** -1: matched, the filter's actions run. 0: no match, classification goes on. */
  static final long MATCH = 0xFFFF_FFFFL;

  private enum Family {
    V4(0x0800, 23, 26, 30),
    V6(0x86DD, 20, 22, 38);

    final int etherType;
    final int protoOffset;
    final int srcOffset;
    final int dstOffset;

    Family(int etherType, int protoOffset, int srcOffset, int dstOffset) {
      this.etherType = etherType;
      this.protoOffset = protoOffset;
      this.srcOffset = srcOffset;
      this.dstOffset = dstOffset;
    }
  }

  private record Pending(int code, long k, String jt, String jf, String jaTarget) {}

  private final List<Pending> code = new ArrayList<>();
  private final Map<String, Integer> labels = new HashMap<>();

  private BpfCompiler() {}

  /**
   * The program for {@code rules} (non-empty). Throws IllegalArgumentException when a rule cannot
   * be expressed (a CIDR that is not one, a rule too large for 8-bit BPF jumps).
   */
  public static BpfProgram compile(List<FilterRule> rules) {
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("no filter rules to compile");
    }
    BpfCompiler c = new BpfCompiler();
    for (int i = 0; i < rules.size(); i++) {
      c.rule(i, rules.get(i));
    }
    c.label("r" + rules.size());
    c.emit(RET_K, 0);
    return c.assemble();
  }

  private void rule(int i, FilterRule r) {
    label("r" + i);
    long verdict = r.action() == FilterRule.Action.ACCEPT ? MATCH : 0;
    Cidr cidr = r.cidr() == null ? null : Cidr.parse(r.cidr());
    if (cidr == null && r.protocol() == null) {
      emit(RET_K, verdict); // matches every frame
      return;
    }
    List<Family> families =
        cidr == null
            ? List.of(Family.V4, Family.V6)
            : List.of(cidr.network().ipv4() ? Family.V4 : Family.V6);
    String next = "r" + (i + 1);
    String hit = "hit" + i;
    for (int j = 0; j < families.size(); j++) {
      String fail = j + 1 < families.size() ? "r" + i + "f" + (j + 1) : next;
      if (j > 0) {
        label("r" + i + "f" + j);
      }
      family(r, cidr, families.get(j), i + "_" + j);
      jump(hit);
      // A local trampoline keeps every conditional jump short (8-bit offsets).
      label("x" + i + "_" + j);
      jump(fail);
    }
    label(hit);
    emit(RET_K, verdict);
  }

  private void family(FilterRule r, Cidr cidr, Family f, String id) {
    String fail = "x" + id;
    emit(LD_H_ABS, 12);
    jeq(f.etherType, null, fail);
    if (r.protocol() != null) {
      emit(LD_B_ABS, f.protoOffset);
      jeq(r.protocol().number(), null, fail);
    }
    if (cidr != null) {
      String tryDst = "d" + id;
      String ok = "c" + id;
      address(f.srcOffset, cidr, tryDst);
      jump(ok);
      label(tryDst);
      address(f.dstOffset, cidr, fail);
      label(ok);
    }
    if (r.ports() != null && !r.ports().isEmpty()) {
      String ok = "p" + id;
      if (f == Family.V4) {
        emit(LD_H_ABS, 20);
        code.add(new Pending(JSET_K, 0x1FFF, fail, null, null)); // not a first fragment
        emit(LDX_B_MSH, 14);
        emit(LD_H_IND, 14);
      } else {
        emit(LD_H_ABS, 54);
      }
      for (int p : r.ports()) {
        jeq(p, ok, null);
      }
      emit(f == Family.V4 ? LD_H_IND : LD_H_ABS, f == Family.V4 ? 16 : 56);
      for (int p : r.ports()) {
        jeq(p, ok, null);
      }
      jump(fail);
      label(ok);
    }
  }

  private void address(int offset, Cidr cidr, String onMismatch) {
    for (int w = 0; w < cidr.words(); w++) {
      emit(LD_W_ABS, offset + 4L * w);
      if (cidr.mask(w) != 0xFFFF_FFFFL) {
        emit(ALU_AND_K, cidr.mask(w));
      }
      jeq(cidr.word(w), null, onMismatch);
    }
  }

  private void emit(int op, long k) {
    code.add(new Pending(op, k, null, null, null));
  }

  private void jeq(long k, String jt, String jf) {
    code.add(new Pending(JEQ_K, k, jt, jf, null));
  }

  private void jump(String target) {
    code.add(new Pending(JA, 0, null, null, target));
  }

  private void label(String name) {
    labels.put(name, code.size());
  }

  private BpfProgram assemble() {
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
