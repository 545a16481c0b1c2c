package io.pvespan.plan;

import java.util.Comparator;
import java.util.List;

/**
 * The planner's whole answer: per-node plans (sorted by node), warnings and errors (one line each,
 * sorted). With any error the plans must not be applied.
 */
public record PlanResult(List<NodeMirrorPlan> plans, List<String> warnings, List<String> errors) {
  public PlanResult {
    plans =
        plans == null
            ? List.of()
            : plans.stream().sorted(Comparator.comparing(NodeMirrorPlan::node)).toList();
    warnings = warnings == null ? List.of() : warnings.stream().sorted().toList();
    errors = errors == null ? List.of() : errors.stream().sorted().toList();
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
