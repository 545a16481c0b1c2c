package io.pvespan.controller;

import io.pvespan.controller.planner.MirrorPlanner;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import java.util.Map;

/**
 * The planning step of the reconcile pipeline; in production {@link MirrorPlanner#plan}. Must be
 * pure: the controller calls it again whenever anything might have changed.
 */
@FunctionalInterface
public interface Planner {
  Planner PRODUCTION = MirrorPlanner::plan;

  PlanResult plan(SpecSet specs, Inventory inventory, Map<String, NodeMirrorPlan> previous);
}
