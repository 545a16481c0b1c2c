package io.pvespan.controller.planner;

import io.pvespan.inventory.Inventory;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The planner: a pure function from specs and inventory to one plan per node. No clock, no I/O; the
 * same inputs in any order give the same plans and digests.
 *
 * <p>The pipeline: index the inventory; give every session feeding a sensor VM its tunnel id
 * ({@link TunnelIdAllocator}); resolve each unpaused session's sensor ({@link TargetResolver});
 * select its sources and plan them into per-node builders ({@link SessionPlanner}); finally give
 * every node of the inventory a plan (empty when nothing is for it, so its agent removes what it
 * holds) with its generation and digest ({@link Generations}).
 */
public final class MirrorPlanner {
  private MirrorPlanner() {}

  /**
   * Plans every node of {@code inventory}.
   *
   * @param previous the plans in force by node (may be empty): a node whose content is unchanged
   *     keeps its generation, a changed one gets the previous generation + 1, a new one 1
   * @return plans for every inventory node, warnings and errors (with errors, do not apply)
   */
  public static PlanResult plan(
      SpecSet specs, Inventory inventory, Map<String, NodeMirrorPlan> previous) {
    InventoryIndex index = new InventoryIndex(inventory);
    PlanProblems problems = new PlanProblems();
    Map<String, Sensor> sensors = new TreeMap<>();
    Map<VmId, Set<NicId>> sensorNics = new HashMap<>();
    for (Sensor sensor : specs.sensors()) {
      sensors.putIfAbsent(sensor.name(), sensor);
      SensorVm vm = sensor.spec().vm();
      if (vm != null) {
        sensorNics.computeIfAbsent(vm.vmid(), v -> new HashSet<>()).add(vm.nic());
      }
    }
    Map<String, NodePlanBuilder> builders = new LinkedHashMap<>();
    for (String node : index.nodes().keySet()) {
      builders.put(node, new NodePlanBuilder(node));
    }
    TargetResolver resolver =
        new TargetResolver(index, sensors, TunnelIdAllocator.allocate(specs), problems);
    SessionPlanner sessions = new SessionPlanner(index, builders, sensorNics, problems);
    for (MirrorSession session : specs.sessions()) {
      if (session.spec().isPaused()) {
        continue;
      }
      SensorTarget target = resolver.resolve(session);
      if (target != null) {
        sessions.plan(session, target);
      }
    }
    Map<String, NodeMirrorPlan> before = previous == null ? Map.of() : previous;
    List<NodeMirrorPlan> plans = new ArrayList<>();
    for (NodePlanBuilder builder : builders.values()) {
      plans.add(builder.build(before));
    }
    return new PlanResult(plans, problems.warnings(), problems.errors());
  }
}
