package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
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
    List<String> problems,
    List<CopyDrops> copyDrops) {
  ConvergeStep {
    actions = List.copyOf(actions);
    drift = List.copyOf(drift);
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
    copyDrops = copyDrops == null ? List.of() : List.copyOf(copyDrops);
  }

  ConvergeStep(
      List<KernelAction> actions,
      List<Finding> drift,
      List<EntryOutcome> entries,
      List<String> problems) {
    this(actions, drift, entries, problems, List.of());
  }

  /** A drift item without its time (the converger knows since when). */
  record Finding(DriftItem.Kind kind, String object, String detail) {}

  /**
   * One plan entry: {@code state} is active (every filter in place), pending (actions planned),
   * waiting (a device is absent) or failed ({@code message}). {@code counts}: one per filter of the
   * entry found in the kernel, with its mirred action's counters as read.
   */
  record EntryOutcome(EntryKey key, String state, String message, List<FilterCount> counts) {
    EntryOutcome {
      counts = List.copyOf(counts);
    }

    long packets() {
      return counts.stream().mapToLong(FilterCount::packets).sum();
    }

    long bytes() {
      return counts.stream().mapToLong(FilterCount::bytes).sum();
    }
  }

  /**
   * The counters of one filter as read now: the filter on {@code side} of {@code device} copying
   * into {@code target}, marked with {@code cookie}. The kernel restarts them at zero whenever the
   * filter is re-created ({@link CounterCarry} hides that).
   */
  record FilterCount(
      InterfaceName device,
      TcSide side,
      String target,
      OwnershipCookie cookie,
      long packets,
      long bytes) {}
}
