package io.pvespan.controller.reconcile;

import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state after a planner's answer, as a pure function: an accepted result becomes the plans in
 * force (each through {@link io.pvespan.controller.state.Generations#monotone}, so generations
 * never go back), nodes that left are forgotten, new nodes start unknown, and every node's agent
 * URL is resolved again from the inventory; a rejected result only records its errors.
 */
final class DesiredState {
  private DesiredState() {}

  static ControllerState apply(
      ControllerState st, PlanResult result, Inventory inventory, AgentAddressing addressing) {
    if (!result.ok()) {
      return st.withDesired(st.desired().rejected(result.errors()));
    }
    Map<String, NodeMirrorPlan> plans = new TreeMap<>();
    Map<String, NodeObservation> nodes = new TreeMap<>();
    for (NodeMirrorPlan next : result.plans()) {
      String node = next.node();
      plans.put(node, st.generations().monotone(st.desired().plan(node), next));
      NodeObservation seen = st.nodes().getOrDefault(node, NodeObservation.unknown(node));
      nodes.put(node, addressed(seen, addressing, inventory));
    }
    return st.withDesired(st.desired().accepted(plans, result.warnings()))
        .withNodes(nodes)
        .withGenerations(st.generations().retain(nodes.keySet()));
  }

  private static NodeObservation addressed(
      NodeObservation seen, AgentAddressing addressing, Inventory inventory) {
    try {
      URI url = addressing.urlFor(seen.node(), inventory.node(seen.node()));
      return url.equals(seen.url()) && seen.urlProblem() == null ? seen : seen.addressed(url, null);
    } catch (IllegalArgumentException e) {
      return seen.addressed(null, e.getMessage());
    }
  }
}
