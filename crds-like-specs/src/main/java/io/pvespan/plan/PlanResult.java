package io.pvespan.plan;

import java.util.Comparator;
import java.util.List;

/**
 * The planner's whole answer: per-node plans (sorted by node), warnings and errors (one line each,
 * sorted), and notes: what the planner chose not to copy so that each packet reaches a sensor once
 * (one line per suppression, sorted). With any error the plans must not be applied.
 */
public record PlanResult(
    List<NodeMirrorPlan> plans, List<String> warnings, List<String> errors, List<String> notes) {
  /** A result without notes. */
  public PlanResult(List<NodeMirrorPlan> plans, List<String> warnings, List<String> errors) {
    this(plans, warnings, errors, List.of());
  }

  public PlanResult {
    plans =
        plans == null
            ? List.of()
            : plans.stream().sorted(Comparator.comparing(NodeMirrorPlan::node)).toList();
    warnings = warnings == null ? List.of() : warnings.stream().sorted().toList();
    errors = errors == null ? List.of() : errors.stream().sorted().toList();
    notes = notes == null ? List.of() : notes.stream().sorted().toList();
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
