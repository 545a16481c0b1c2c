package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.VmId;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A plan together with what it was computed from, so that the next plan can redo only what changed:
 * {@link MirrorPlanner#replan}. An immutable value (nothing in it changes after it is made; a
 * re-plan makes a new one and shares the unchanged parts): the caller holds it between plans, the
 * planner keeps nothing.
 *
 * <p>Holds the specs, the inventory's nodes and guests by vmid, each unpaused session's outcome
 * (what it adds to each node and the guests it selected) and the node plans with the errors their
 * assembly found.
 */
public final class PlanContext {
  private final SpecSet specs;
  private final SpecFacts facts;
  private final List<InventoryNode> nodeList;
  private final Map<String, InventoryNode> nodes;
  private final Map<VmId, Guest> guests;
  private final boolean duplicateVmids;
  private final List<SessionOutcome> outcomes;
  private final OncePerSensor once;
  private final Map<String, NodeMirrorPlan> plans;
  private final Map<String, List<String>> nodeErrors;
  private final PlanResult result;

  PlanContext(
      SpecSet specs,
      SpecFacts facts,
      List<InventoryNode> nodeList,
      Map<String, InventoryNode> nodes,
      Map<VmId, Guest> guests,
      boolean duplicateVmids,
      List<SessionOutcome> outcomes,
      OncePerSensor once,
      Map<String, NodeMirrorPlan> plans,
      Map<String, List<String>> nodeErrors,
      PlanResult result) {
    this.specs = specs;
    this.facts = facts;
    this.nodeList = nodeList;
    this.nodes = nodes;
    this.guests = guests;
    this.duplicateVmids = duplicateVmids;
    this.outcomes = Collections.unmodifiableList(outcomes);
    this.once = once;
    this.plans = Collections.unmodifiableMap(plans);
    this.nodeErrors = Collections.unmodifiableMap(nodeErrors);
    this.result = result;
  }

  /** The plan: node plans, warnings, errors (exactly what {@link MirrorPlanner#plan} returns). */
  public PlanResult result() {
    return result;
  }

  /** The node plans by node name: what the next plan compares with for generations. */
  public Map<String, NodeMirrorPlan> plans() {
    return plans;
  }

  SpecSet specs() {
    return specs;
  }

  SpecFacts facts() {
    return facts;
  }

  List<InventoryNode> nodeList() {
    return nodeList;
  }

  Map<String, InventoryNode> nodes() {
    return nodes;
  }

  Map<VmId, Guest> guests() {
    return guests;
  }

  boolean duplicateVmids() {
    return duplicateVmids;
  }

  List<SessionOutcome> outcomes() {
    return outcomes;
  }

  OncePerSensor once() {
    return once;
  }

  Map<String, List<String>> nodeErrors() {
    return nodeErrors;
  }
}
