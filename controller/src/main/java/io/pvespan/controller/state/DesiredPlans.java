package io.pvespan.controller.state;

import io.pvespan.plan.NodeMirrorPlan;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The plans in force by node (the last ones the planner produced without error, renumbered by
 * {@link Generations} where an agent's generation required it), the planner's warnings for them,
 * its errors for the newest inputs (non-empty: the plans in force are older), and how many
 * cluster-wide reconciles ran.
 */
public record DesiredPlans(
    SortedMap<String, NodeMirrorPlan> plans,
    List<String> warnings,
    List<String> plannerErrors,
    long reconciles) {
  public static final DesiredPlans NONE =
      new DesiredPlans(new TreeMap<>(), List.of(), List.of(), 0);

  public DesiredPlans {
    plans = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(plans));
    warnings = List.copyOf(warnings);
    plannerErrors = List.copyOf(plannerErrors);
  }

  public NodeMirrorPlan plan(String node) {
    return plans.get(node);
  }

  public DesiredPlans counted() {
    return new DesiredPlans(plans, warnings, plannerErrors, reconciles + 1);
  }

  public DesiredPlans rejected(List<String> errors) {
    return new DesiredPlans(plans, warnings, errors, reconciles);
  }

  public DesiredPlans accepted(Map<String, NodeMirrorPlan> next, List<String> nextWarnings) {
    return new DesiredPlans(new TreeMap<>(next), nextWarnings, List.of(), reconciles);
  }

  /** The same plans with {@code node}'s replaced (renumbered, same content). */
  public DesiredPlans with(NodeMirrorPlan plan) {
    TreeMap<String, NodeMirrorPlan> next = new TreeMap<>(plans);
    next.put(plan.node(), plan);
    return new DesiredPlans(next, warnings, plannerErrors, reconciles);
  }
}
