package io.pvespan.controller.state;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Everything the controller knows, as one immutable value (held by {@link StateStore}): the specs
 * with their content digest, the inventory, the plans in force, what each node's agent was last
 * seen to hold, and the generation floors. Changes produce a new value; nothing is locked.
 *
 * @param nodes by node name: exactly the nodes with a plan in force
 */
public record ControllerState(
    SpecsState specs,
    InventoryState inventory,
    DesiredPlans desired,
    SortedMap<String, NodeObservation> nodes,
    Generations generations) {
  public static final ControllerState EMPTY =
      new ControllerState(
          SpecsState.NONE,
          InventoryState.NONE,
          DesiredPlans.NONE,
          new TreeMap<>(),
          Generations.NONE);

  public ControllerState {
    nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
  }

  public ControllerState withSpecs(SpecsState next) {
    return new ControllerState(next, inventory, desired, nodes, generations);
  }

  public ControllerState withInventory(InventoryState next) {
    return new ControllerState(specs, next, desired, nodes, generations);
  }

  public ControllerState withDesired(DesiredPlans next) {
    return new ControllerState(specs, inventory, next, nodes, generations);
  }

  public ControllerState withGenerations(Generations next) {
    return new ControllerState(specs, inventory, desired, nodes, next);
  }

  public ControllerState withNodes(Map<String, NodeObservation> next) {
    return new ControllerState(specs, inventory, desired, new TreeMap<>(next), generations);
  }

  /** {@code change} applied to {@code node}'s observation; unchanged when the node has left. */
  public ControllerState observe(String node, UnaryOperator<NodeObservation> change) {
    NodeObservation o = nodes.get(node);
    if (o == null) {
      return this;
    }
    TreeMap<String, NodeObservation> next = new TreeMap<>(nodes);
    next.put(node, change.apply(o));
    return withNodes(next);
  }
}
