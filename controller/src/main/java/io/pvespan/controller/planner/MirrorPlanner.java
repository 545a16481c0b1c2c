package io.pvespan.controller.planner;

import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import java.util.Map;

/**
 * The planner: a pure function from specs and inventory to one plan per node. No clock, no I/O; the
 * same inputs in any order give the same plans and digests.
 */
public final class MirrorPlanner {
  private MirrorPlanner() {}

  /**
   * Plans every node of {@code inventory}.
   *
   * @param previous the plans in force by node (may be empty): a node whose content is unchanged
   *     keeps its generation, a changed one gets the previous generation + 1, a new one 1
   */
  public static PlanResult plan(
      SpecSet specs, Inventory inventory, Map<String, NodeMirrorPlan> previous) {
    throw new UnsupportedOperationException("MirrorPlanner is being written");
  }
}
