package io.pvespan.controller;

import io.pvespan.controller.planner.GuestInterest;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile pipeline: specs + inventory → plans → pushes. Idempotent and level-based: it reads
 * the current inputs, never events, so running it again changes nothing unless an input changed. A
 * broken spec set or a planner error never replaces the plans in force: the last valid specs keep
 * being planned against the live inventory (so mirrors still follow guests), and broken specs are
 * never used, not even in part.
 */
final class PlanReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(PlanReconciler.class);

  private final ControllerState state;
  private final SpecSource specSource;
  private final Planner planner;
  private final AgentAddressing addressing;
  private final PlanPusher pusher;
  private final InventorySource inventory;
  private volatile boolean specsTried;

  /**
   * @param inventory told the {@linkplain GuestInterest guests of interest} of every valid spec set
   *     loaded, so that it reads configs only for those
   */
  PlanReconciler(
      ControllerState state,
      SpecSource specSource,
      InventorySource inventory,
      Planner planner,
      AgentAddressing addressing,
      PlanPusher pusher) {
    this.state = state;
    this.specSource = specSource;
    this.inventory = inventory;
    this.planner = planner;
    this.addressing = addressing;
    this.pusher = pusher;
  }

  synchronized void reconcile() {
    refreshSpecs();
    SpecSet specs;
    InventorySnapshot inventory;
    Map<String, NodeMirrorPlan> previous;
    synchronized (state) {
      state.reconciles++;
      specs = state.specs;
      inventory = state.inventory;
      previous = new TreeMap<>(state.plans);
    }
    if (specs != null && inventory != null) {
      PlanResult result;
      try {
        result = planner.plan(specs, inventory.inventory(), previous);
      } catch (RuntimeException e) {
        result = new PlanResult(null, null, List.of("the planner failed: " + e));
      }
      adopt(result, inventory.inventory());
    }
    pusher.ensureAll();
  }

  /**
   * Loads the specs if none were ever tried, without planning: the controller calls it before its
   * first inventory poll, so that poll already reads only the configs of interest. Whatever it
   * loads, the reconcile that the first poll requests plans.
   */
  void loadSpecsOnce() {
    if (specsTried) {
      return; // the usual case: no lock, so a poll never waits behind a running reconcile
    }
    synchronized (this) {
      if (!specsTried) {
        refreshSpecs();
      }
    }
  }

  /** True when the spec source's content differs from what was last loaded. */
  boolean specsChanged() {
    try {
      String fp = specSource.fingerprint();
      synchronized (state) {
        return !fp.equals(state.specFingerprint);
      }
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }

  /** Only under this object's lock. */
  private void refreshSpecs() {
    specsTried = true;
    String fp;
    try {
      fp = specSource.fingerprint();
    } catch (IOException | UncheckedIOException e) {
      setSpecErrors(null, List.of("specs cannot be read: " + e.getMessage()));
      return;
    }
    synchronized (state) {
      if (fp.equals(state.specFingerprint)) {
        return;
      }
    }
    LoadResult loaded;
    try {
      loaded = specSource.load();
    } catch (RuntimeException e) {
      setSpecErrors(fp, List.of("the spec loader failed: " + e));
      return;
    }
    if (!loaded.ok()) {
      setSpecErrors(fp, loaded.problems().stream().map(SpecProblem::toString).toList());
      return;
    }
    Predicate<Guest> interest = GuestInterest.of(loaded.specs());
    synchronized (state) {
      state.specs = loaded.specs();
      state.specErrors = List.of();
      state.specFingerprint = fp;
      state.interest = interest;
    }
    // Broken specs never get here, so the last valid set's interest stays with them.
    inventory.interest(interest);
    LOG.info(
        "specs loaded: {} sensors, {} sessions",
        loaded.specs().sensors().size(),
        loaded.specs().sessions().size());
  }

  private void setSpecErrors(String fp, List<String> errors) {
    synchronized (state) {
      state.specErrors = List.copyOf(errors);
      state.specFingerprint = fp;
    }
    LOG.warn(
        "specs rejected ({} problems); the last valid specs stay in force: {}",
        errors.size(),
        String.join(" | ", errors));
  }

  private void adopt(PlanResult result, Inventory inventory) {
    synchronized (state) {
      if (!result.ok()) {
        if (!result.errors().equals(state.plannerErrors)) {
          LOG.warn(
              "plan rejected; the plans in force stay: {}", String.join(" | ", result.errors()));
        }
        state.plannerErrors = result.errors();
        return;
      }
      state.plannerErrors = List.of();
      state.warnings = result.warnings();
      Set<String> nodes = new HashSet<>();
      for (NodeMirrorPlan next : result.plans()) {
        nodes.add(next.node());
        NodeAgentState agent = state.agent(next.node());
        NodeMirrorPlan kept = monotone(state.plans.get(next.node()), next, agent.appliedGeneration);
        state.plans.put(next.node(), kept);
        try {
          URI url = addressing.urlFor(next.node(), inventory.node(next.node()));
          agent.url = url;
          agent.urlProblem = null;
        } catch (IllegalArgumentException e) {
          agent.url = null;
          agent.urlProblem = e.getMessage();
        }
      }
      state.plans.keySet().retainAll(nodes);
      state.agents.keySet().retainAll(nodes);
    }
  }

  /**
   * Generations never go back for a node: the same content keeps the higher generation; changed
   * content gets a generation above both the one in force and the one the agent has applied (the
   * controller may have restarted and counted from 1 again).
   */
  static NodeMirrorPlan monotone(NodeMirrorPlan current, NodeMirrorPlan next, long agentApplied) {
    if (current != null && current.digest().equals(next.digest())) {
      return current.generation() >= next.generation() ? current : next;
    }
    long floor = Math.max(current == null ? 0 : current.generation(), agentApplied);
    return next.generation() > floor ? next : next.withGeneration(floor + 1);
  }
}
