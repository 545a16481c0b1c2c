package io.pvespan.controller.state;

import io.pvespan.plan.NodeMirrorPlan;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one owner of plan generations on the controller's side: per node a floor, the highest
 * generation known to be in use at that node's agent (pushed and applied, reported in its status,
 * or claimed in a 409). A floor never goes back, and it follows an agent's claim only within {@link
 * #MAX_ADOPT_STEP}: an agent claiming a generation absurdly far above (a corrupt state file, a
 * buggy or hostile agent, {@code Long.MAX_VALUE}) is not adopted, so it can never push the
 * controller's numbering to the end of the range; such a node is reported instead (see {@code
 * Decide}). Arithmetic is checked: a generation that cannot be incremented is never wrapped.
 */
public record Generations(Map<String, Long> floors) {
  /** A plan change per second for about 31 years; anything further is not believed. */
  public static final long MAX_ADOPT_STEP = 1_000_000_000L;

  public static final Generations NONE = new Generations(Map.of());

  public Generations {
    floors = Map.copyOf(floors);
  }

  public long floor(String node) {
    return floors.getOrDefault(node, 0L);
  }

  /** True when {@code claimed} is at or below {@code floor}, or close enough above to adopt. */
  public static boolean believable(long floor, long claimed) {
    // floor >= 0, so claimed - floor cannot overflow once claimed > floor
    return claimed <= floor || claimed - floor <= MAX_ADOPT_STEP;
  }

  /** The floor raised to {@code claimed} when that is higher and believable; else unchanged. */
  public Generations raise(String node, long claimed) {
    long floor = floor(node);
    if (claimed <= floor || !believable(floor, claimed)) {
      return this;
    }
    Map<String, Long> next = new TreeMap<>(floors);
    next.put(node, claimed);
    return new Generations(next);
  }

  /** Forgets the nodes that left the cluster. */
  public Generations retain(Set<String> nodes) {
    Map<String, Long> next = new TreeMap<>(floors);
    next.keySet().retainAll(nodes);
    return next.size() == floors.size() ? this : new Generations(next);
  }

  /**
   * The plan to put in force for {@code next}'s node: the same content keeps the higher generation;
   * changed content gets a generation above both the one in force and the floor (the controller may
   * have restarted and planned from 1 again). When there is no generation above, {@code next} is
   * returned as planned and the node's reconcile reports it.
   */
  public NodeMirrorPlan monotone(NodeMirrorPlan current, NodeMirrorPlan next) {
    return monotone(current, next, floor(next.node()));
  }

  /**
   * {@code plan} under the generation a ledger issued for its push: the same plan when unchanged,
   * else renumbered. A ledger issues at least what was asked; anything lower is a bug, refused.
   */
  public static NodeMirrorPlan issued(NodeMirrorPlan plan, long generation) {
    if (generation == plan.generation()) {
      return plan;
    }
    if (generation < plan.generation()) {
      throw new IllegalStateException(
          "generation " + generation + " issued for a push of " + plan.generation());
    }
    return plan.withGeneration(generation);
  }

  public static NodeMirrorPlan monotone(NodeMirrorPlan current, NodeMirrorPlan next, long floor) {
    if (current != null && current.digest().equals(next.digest())) {
      return current.generation() >= next.generation() ? current : next;
    }
    long base = Math.max(current == null ? 0 : current.generation(), floor);
    if (next.generation() > base || base == Long.MAX_VALUE) {
      return next;
    }
    return next.withGeneration(Math.addExact(base, 1));
  }
}
