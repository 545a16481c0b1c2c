package io.pvespan.controller.planning;

import io.pvespan.controller.planner.MirrorPlanner;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import java.util.Map;

/**
 * The planning step of the reconcile pipeline; in production {@link MirrorPlanner#plan} (the daemon
 * uses {@link IncrementalPlanning}: the same answers, computed incrementally). Must answer as a
 * pure function of its arguments: the controller calls it again whenever anything might have
 * changed.
 */
@FunctionalInterface
public interface Planner {
  Planner PRODUCTION = MirrorPlanner::plan;

  PlanResult plan(SpecSet specs, Inventory inventory, Map<String, NodeMirrorPlan> previous);
}
