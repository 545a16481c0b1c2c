package io.pvespan.agent.kernel;

import io.pvespan.model.Sample;
import io.pvespan.spec.FilterRule;
import java.util.List;
import java.util.Optional;

/**
 * What a mirror filter matches, rendered as the classifier part of {@code tc filter add}: every
 * frame ({@code matchall} where the kernel has it, else {@code u32 match u32 0 0}), or a session's
 * filter rules and sample compiled to classic BPF (see {@link BpfCompiler} for why not u32).
 */
public sealed interface FilterMatch {
  /** Appends the classifier and its arguments. */
  CommandLine appendTo(CommandLine line);

  /** A stable description, hashed into the ownership cookie's content part. */
  String describe();

  /** The match for a plan entry's rules on a kernel with {@code features} (both hooks). */
  static FilterMatch of(List<FilterRule> rules, KernelFeatures features) {
    if (!rules.isEmpty()) {
      return new Rules(BpfCompiler.compile(rules));
    }
    return features.matchall() ? new MatchAll() : new U32All();
  }

  /**
   * The match on hook {@code side} of a guest's device for a plan entry's rules and sample: only
   * the rules whose direction includes this side (tc ingress of the tap = what the VM sends). Empty
   * when the entry has rules but none for this side: with a filter, unmatched traffic is not
   * mirrored, so that hook needs no filter at all.
   */
  static Optional<FilterMatch> forHook(
      List<FilterRule> rules, Sample sample, TcSide side, KernelFeatures features) {
    return forHook(rules, sample, List.of(), side, features);
  }

  /**
   * {@link #forHook(List, Sample, TcSide, KernelFeatures)} with this side's exclusions (each packet
   * once per sensor; see {@link ExclusionCompiler}) in front of the entry's own match.
   */
  static Optional<FilterMatch> forHook(
      List<FilterRule> rules,
      Sample sample,
      List<io.pvespan.plan.Exclusion> exclusions,
      TcSide side,
      KernelFeatures features) {
    return forHook(rules, sample, exclusions, null, side, features);
  }

  /**
   * {@link #forHook(List, Sample, List, TcSide, KernelFeatures)} for a sensor group member's {@code
   * share} (null, or a share of one: every frame): the flow-hash test ({@link FlowHashCompiler})
   * goes in front of everything else.
   */
  static Optional<FilterMatch> forHook(
      List<FilterRule> rules,
      Sample sample,
      List<io.pvespan.plan.Exclusion> exclusions,
      io.pvespan.plan.Share share,
      TcSide side,
      KernelFeatures features) {
    Optional<FilterMatch> own = ownForHook(rules, sample, exclusions, side, features);
    if (share == null || share.everything() || own.isEmpty()) {
      return own;
    }
    BpfProgram program = own.get() instanceof Rules r ? r.program() : null;
    return Optional.of(new Rules(FlowHashCompiler.compile(share, program)));
  }

  /**
   * {@code own} (a guest device's match) keeping only 1/{@code factor} of the frames it matches, by
   * the kernel's per-frame random number in front of everything else, so most frames leave after
   * three instructions: the copy guard's sample (see {@code CopyGuard}). Factor 1 is {@code own}
   * unchanged; a matchall/u32 match becomes a BPF program.
   */
  static FilterMatch guarded(FilterMatch own, int factor) {
    if (factor == 1) {
      return own;
    }
    if (own instanceof Ebpf) {
      throw new IllegalArgumentException("a conditioner's own eBPF filter is never guarded");
    }
    BpfProgram program = own instanceof Rules r ? r.program() : null;
    return new Rules(
        BpfProgram.before(
            BpfCompiler.sampleTest(new Sample(factor)),
            program,
            "the entry's match and the copy guard's sample"));
  }

  private static Optional<FilterMatch> ownForHook(
      List<FilterRule> rules,
      Sample sample,
      List<io.pvespan.plan.Exclusion> exclusions,
      TcSide side,
      KernelFeatures features) {
    List<FilterRule> mine =
        rules.stream()
            .filter(
                r ->
                    side == TcSide.INGRESS
                        ? r.appliesTo().includesVmEgress()
                        : r.appliesTo().includesVmIngress())
            .toList();
    if (!rules.isEmpty() && mine.isEmpty()) {
      return Optional.empty();
    }
    boolean all = mine.isEmpty() && (sample == null || sample.everything());
    if (!exclusions.isEmpty()) {
      return Optional.of(
          new Rules(
              ExclusionCompiler.compile(
                  exclusions, all ? null : BpfCompiler.compile(mine, sample))));
    }
    if (all) {
      return Optional.of(features.matchall() ? new MatchAll() : new U32All());
    }
    return Optional.of(new Rules(BpfCompiler.compile(mine, sample)));
  }

  /** {@code matchall}. */
  record MatchAll() implements FilterMatch {
    @Override
    public CommandLine appendTo(CommandLine line) {
      return line.kw("matchall");
    }

    @Override
    public String describe() {
      return "matchall";
    }
  }

  /** {@code u32 match u32 0 0}: one key that matches every frame (one key: no double copies). */
  record U32All() implements FilterMatch {
    @Override
    public CommandLine appendTo(CommandLine line) {
      return line.kw("u32").kw("match").kw("u32").num(0).num(0);
    }

    @Override
    public String describe() {
      return "u32 all";
    }
  }

  /** {@code bpf bytecode "..."}: the session's rules, first match wins. */
  record Rules(BpfProgram program) implements FilterMatch {
    @Override
    public CommandLine appendTo(CommandLine line) {
      return line.kw("bpf").kw("bytecode").bytecode(program);
    }

    @Override
    public String describe() {
      return "bpf " + program.bytecode();
    }
  }

  /**
   * {@code bpf obj FILE sec SECTION classid 0:PARAM}: one of the copy conditioner's eBPF programs
   * ({@link ConditionerObject}), which matches every frame and reads {@code param} (16 bits) from
   * the classid. Only ever on the agent's own conditioner devices, never on a guest's: the program
   * changes the frame. The file's path is left out of {@link #describe()}: it differs per agent
   * process, and a restart must adopt the filters in place.
   */
  record Ebpf(java.nio.file.Path object, String section, int param) implements FilterMatch {
    public Ebpf {
      java.util.Objects.requireNonNull(object);
      if (!ConditionerObject.SNAPLEN_SECTION.equals(section)
          && !ConditionerObject.VLAN_SECTION.equals(section)) {
        throw new IllegalArgumentException("no eBPF section " + section);
      }
      if (param < 0 || param > 0xffff) {
        throw new IllegalArgumentException("eBPF parameter " + param + " is not 16 bits");
      }
    }

    @Override
    public CommandLine appendTo(CommandLine line) {
      return line.kw("bpf")
          .kw("obj")
          .path(object)
          .kw("sec")
          .kw(section)
          .kw("classid")
          .kw("0:" + Integer.toHexString(param));
    }

    @Override
    public String describe() {
      return "ebpf " + section + " " + param;
    }
  }
}
