package io.pvespan.controller.planner;

import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The planner: a pure function from specs and inventory to one plan per node. No clock, no I/O; the
 * same inputs in any order give the same plans and digests.
 *
 * <p>The pipeline: index the inventory; derive from the specs the sensors and every session's
 * tunnel id per sensor node ({@link SpecFacts}, {@link TunnelIdAllocator}); plan each unpaused
 * session on its own: resolve its sensor ({@link TargetResolver}), select its sources ({@link
 * SourceMatcher}) and plan them per node ({@link SessionPlanner}); finally give every node of the
 * inventory a plan (empty when nothing is for it, so its agent removes what it holds) assembled
 * from the sessions' contributions, each packet once per sensor ({@link OncePerSensor}), with its
 * generation and digest ({@link PlanAssembly}, {@link Generations}).
 *
 * <p>{@link #replan} gives the same answer from a previous {@link PlanContext}, redoing only the
 * sessions and nodes that the changed guests touch.
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
    return planContext(specs, inventory, previous).result();
  }

  /**
   * {@link #plan}, returning the plan with its context for a later {@link #replan}. {@code
   * planContext(s, i, p).result()} equals {@code plan(s, i, p)}.
   */
  public static PlanContext planContext(
      SpecSet specs, Inventory inventory, Map<String, NodeMirrorPlan> previous) {
    InventoryIndex index = new InventoryIndex(inventory);
    SpecFacts facts = SpecFacts.of(specs, index.nodes().keySet());
    SessionPlanner planner = new SessionPlanner(index, facts);
    List<SessionOutcome> outcomes = new ArrayList<>();
    for (MirrorSession session : specs.sessions()) {
      outcomes.add(
          session.spec().isPaused()
              ? null
              : planner.plan(session, sources -> SourceMatcher.select(sources, index)));
    }
    Map<String, NodeMirrorPlan> before = previous == null ? Map.of() : previous;
    Map<String, NodeMirrorPlan> plans = new TreeMap<>();
    Map<String, List<String>> nodeErrors = new TreeMap<>();
    OncePerSensor once = OncePerSensor.of(specs.sessions(), outcomes);
    for (String node : index.nodes().keySet()) {
      PlanAssembly.Assembled assembled =
          PlanAssembly.node(node, specs.sessions(), outcomes, before, once);
      plans.put(node, assembled.plan());
      if (!assembled.errors().isEmpty()) {
        nodeErrors.put(node, assembled.errors());
      }
    }
    return context(specs, facts, inventory, index, outcomes, once, plans, nodeErrors);
  }

  /**
   * Plans again after the inventory or specs changed, from the previous plan's context: the same
   * answer as {@code planContext(specs, inventory, previous.plans())} (same plans, generations,
   * digests, warnings and errors), computed by redoing only the sessions whose selected guests or
   * sensor guest changed and only the nodes their contributions changed on. With other specs, other
   * nodes, duplicate vmids or many changed guests it plans everything.
   */
  public static PlanContext replan(PlanContext previous, SpecSet specs, Inventory inventory) {
    PlanContext next = IncrementalPlanner.replan(previous, specs, inventory);
    return next != null ? next : planContext(specs, inventory, previous.plans());
  }

  /** Each packet once per sensor's notes, plus one line per sensor group in use. */
  private static List<String> groupNotes(
      SpecSet specs, SpecFacts facts, InventoryIndex index, List<String> onceNotes) {
    if (facts.groups().isEmpty()) {
      return onceNotes;
    }
    List<String> all = new ArrayList<>(onceNotes);
    all.addAll(SensorGroupPlanner.notes(specs.sessions(), facts, index));
    return all;
  }

  static PlanContext context(
      SpecSet specs,
      SpecFacts facts,
      Inventory inventory,
      InventoryIndex index,
      List<SessionOutcome> outcomes,
      OncePerSensor once,
      Map<String, NodeMirrorPlan> plans,
      Map<String, List<String>> nodeErrors) {
    PlanResult result =
        new PlanResult(
            new ArrayList<>(plans.values()),
            PlanAssembly.lines(outcomes, SessionOutcome::warnings, List.of(once.warnings())),
            PlanAssembly.lines(outcomes, SessionOutcome::errors, nodeErrors.values()),
            groupNotes(specs, facts, index, once.notes()));
    return new PlanContext(
        specs,
        facts,
        inventory.nodes(),
        index.nodes(),
        index.guests(),
        index.hasDuplicates(),
        outcomes,
        once,
        plans,
        nodeErrors,
        result);
  }
}
