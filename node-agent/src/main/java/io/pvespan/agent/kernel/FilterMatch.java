package io.pvespan.agent.kernel;

import io.pvespan.spec.FilterRule;
import java.util.List;

/**
 * What a mirror filter matches, rendered as the classifier part of {@code tc filter add}: every
 * frame ({@code matchall} where the kernel has it, else {@code u32 match u32 0 0}), or a session's
 * filter rules compiled to classic BPF (see {@link BpfCompiler} for why not u32).
 */
public sealed interface FilterMatch {
  /** Appends the classifier and its arguments. */
  CommandLine appendTo(CommandLine line);

  /** A stable description, hashed into the ownership cookie's content part. */
  String describe();

  /**
   * The match for a plan entry's rules and one side's exclusions (each packet once per sensor; see
   * {@link ExclusionCompiler}) on a kernel with {@code features}.
   */
  static FilterMatch of(
      List<FilterRule> rules, List<io.pvespan.plan.Exclusion> exclusions, KernelFeatures features) {
    if (exclusions.isEmpty()) {
      return of(rules, features);
    }
    return new Rules(
        ExclusionCompiler.compile(exclusions, rules.isEmpty() ? null : BpfCompiler.compile(rules)));
  }

  /** The match for a plan entry's rules on a kernel with {@code features}. */
  static FilterMatch of(List<FilterRule> rules, KernelFeatures features) {
    if (!rules.isEmpty()) {
      return new Rules(BpfCompiler.compile(rules));
    }
    return features.matchall() ? new MatchAll() : new U32All();
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
}
