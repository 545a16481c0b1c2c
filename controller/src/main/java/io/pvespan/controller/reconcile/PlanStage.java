package io.pvespan.controller.reconcile;

import io.pvespan.controller.planning.Planner;
import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.StateStore;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.PlanResult;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide reconcile (one key, {@link PlanQueue}): specs + inventory → the plans in force,
 * then every node's key is queued for its own reconcile. Idempotent and level-based: it reads the
 * current inputs, never events. It never reads specs: it plans the valid set in force (specs are
 * checked off this path, {@code SpecRefresh}), so a huge or broken spec cannot delay it. A broken
 * spec set or a planner error (an exception included) never replaces the plans in force: the last
 * valid specs keep being planned against the live inventory, so mirrors still follow guests.
 */
public final class PlanStage {
  private static final Logger LOG = LoggerFactory.getLogger(PlanStage.class);

  private final StateStore store;
  private final Planner planner;
  private final AgentAddressing addressing;
  private final Consumer<String> nodeChanged;

  public PlanStage(
      StateStore store, Planner planner, AgentAddressing addressing, Consumer<String> nodeChanged) {
    this.store = store;
    this.planner = planner;
    this.addressing = addressing;
    this.nodeChanged = nodeChanged;
  }

  public void reconcile() {
    ControllerState s = store.update(st -> st.withDesired(st.desired().counted()));
    Inventory inventory = s.inventory().inventory();
    if (s.specs().specs() != null && inventory != null) {
      PlanResult result;
      try {
        result = planner.plan(s.specs().specs(), inventory, s.desired().plans());
      } catch (RuntimeException e) {
        result = new PlanResult(null, null, List.of("the planner failed: " + e));
      }
      PlanResult planned = result;
      List<String> errorsBefore = s.desired().plannerErrors();
      s = store.update(st -> DesiredState.apply(st, planned, inventory, addressing));
      if (!planned.ok() && !planned.errors().equals(errorsBefore)) {
        LOG.warn(
            "plan rejected; the plans in force stay: {}", String.join(" | ", planned.errors()));
      }
    }
    s.nodes().keySet().forEach(nodeChanged);
  }
}
