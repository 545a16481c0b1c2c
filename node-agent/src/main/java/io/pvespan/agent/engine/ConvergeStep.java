package io.pvespan.agent.engine;

import io.pvespan.status.DriftItem;
import java.util.List;

/**
 * What {@link ConvergePlanner} found: the actions that make the kernel match the plan (empty:
 * nothing to do), the drift they repair, the state of every entry as observed, and problems that no
 * action can fix (a missing kernel feature, a root qdisc that takes no filters).
 */
record ConvergeStep(
    List<KernelAction> actions,
    List<Finding> drift,
    List<EntryOutcome> entries,
    List<String> problems) {
  ConvergeStep {
    actions = List.copyOf(actions);
    drift = List.copyOf(drift);
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  /** A drift item without its time (the converger knows since when). */
  record Finding(DriftItem.Kind kind, String object, String detail) {}

  /**
   * One plan entry: {@code state} is active (every filter in place), pending (actions planned),
   * waiting (a device is absent) or failed ({@code message}). Counters from our mirred actions.
   */
  record EntryOutcome(EntryKey key, String state, String message, long packets, long bytes) {}
}
