package io.pvespan.controller;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.inventory.InventoryDemand;
import io.pvespan.controller.inventory.InventoryPoller;
import io.pvespan.controller.planning.Planner;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.reconcile.AgentAddressing;
import io.pvespan.controller.reconcile.GenerationLedger;
import io.pvespan.controller.reconcile.NodeQueue;
import io.pvespan.controller.reconcile.NodeReconciler;
import io.pvespan.controller.reconcile.PlanQueue;
import io.pvespan.controller.reconcile.PlanStage;
import io.pvespan.controller.reconcile.PushBackoff;
import io.pvespan.controller.specs.SpecRefresh;
import io.pvespan.controller.specs.SpecSource;
import io.pvespan.controller.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The controller's work without its schedule: each public method is one trigger that the daemon's
 * Quartz jobs (or a test) call, and every trigger only queues work. Two kinds of key, as in
 * controller-runtime: the one cluster-wide {@link PlanStage} (specs + inventory → plans in force)
 * runs on {@code reconcileExecutor}; each node's {@link NodeReconciler} (status read, decide, push)
 * runs as its own task on {@code agentIo}, one at a time per node, so a slow or broken agent only
 * delays itself. All of them share one immutable state ({@link StateStore}); {@link #snapshot()}
 * reads it without a lock.
 */
public final class Controller {
  private final StateStore store;
  private final SpecRefresh specs;
  private final InventoryPoller poller;
  private final InventoryDemand demand;
  private final PlanQueue plans;
  private final NodeQueue nodes;

  /**
   * Everything the controller depends on; tests pass fakes.
   *
   * @param ledger issues each push's generation; null: {@link GenerationLedger#LOCAL} (one
   *     controller)
   */
  public record Ports(
      SpecSource specs,
      InventorySource inventory,
      Planner planner,
      AgentClient agents,
      AgentAddressing addressing,
      NodeOverrides nodes,
      Clock clock,
      PushBackoff backoff,
      GenerationLedger ledger) {
    /** One controller: generations are its own. */
    public Ports(
        SpecSource specs,
        InventorySource inventory,
        Planner planner,
        AgentClient agents,
        AgentAddressing addressing,
        NodeOverrides nodes,
        Clock clock,
        PushBackoff backoff) {
      this(specs, inventory, planner, agents, addressing, nodes, clock, backoff, null);
    }

    public Ports {
      Objects.requireNonNull(specs, "specs");
      Objects.requireNonNull(inventory, "inventory");
      Objects.requireNonNull(planner, "planner");
      Objects.requireNonNull(agents, "agents");
      Objects.requireNonNull(addressing, "addressing");
      nodes = nodes == null ? NodeOverrides.NONE : nodes;
      clock = clock == null ? Clock.systemUTC() : clock;
      backoff = backoff == null ? PushBackoff.DEFAULT : backoff;
      ledger = ledger == null ? GenerationLedger.LOCAL : ledger;
    }
  }

  /** With spec checks on {@code reconcileExecutor} (tests: the caller's thread). */
  public Controller(Ports ports, Executor agentIo, Executor reconcileExecutor) {
    this(ports, agentIo, reconcileExecutor, reconcileExecutor, SpecRefresh.DEFAULT_BUDGET);
  }

  /**
   * @param agentIo runs node reconciles and inventory reads between polls; must offer a thread per
   *     node and two more at least (a cached pool)
   * @param reconcileExecutor runs the cluster-wide reconcile; a single thread (or the caller's, in
   *     tests)
   * @param specExecutor runs spec checks (read, parse, validate); its own thread, so that a huge or
   *     broken spec never holds up a reconcile
   * @param specBudget how long one spec check may take before it is abandoned and reported
   */
  public Controller(
      Ports ports,
      Executor agentIo,
      Executor reconcileExecutor,
      Executor specExecutor,
      Duration specBudget) {
    this.store = new StateStore(ports.clock());
    this.specs =
        new SpecRefresh(
            ports.specs(),
            store,
            ports.inventory(),
            specExecutor,
            specBudget,
            this::requestReconcile);
    this.poller =
        new InventoryPoller(store, ports.inventory(), ports.nodes(), this::requestReconcile);
    this.demand = new InventoryDemand(store, poller, agentIo);
    NodeReconciler node =
        new NodeReconciler(
            store, ports.agents(), ports.backoff(), demand::devicesReported, ports.ledger());
    this.nodes = new NodeQueue(agentIo, ports.clock(), node);
    PlanStage stage = new PlanStage(store, ports.planner(), ports.addressing(), nodes::add);
    this.plans = new PlanQueue(reconcileExecutor, stage::reconcile);
  }

  /**
   * Polls the inventory; a change or a migration enqueues a reconcile at once. The first poll loads
   * the specs beforehand (when they load) so that it reads only the guest configs they need.
   */
  public void pollInventory() {
    specs.loadOnce();
    poller.poll();
  }

  /**
   * Starts a spec check off the reconcile path (unless one runs); new valid specs enqueue a
   * reconcile when loaded. A check past its budget is abandoned and reported here.
   */
  public void checkSpecs() {
    specs.check();
  }

  /** Enqueues the cluster-wide reconcile (it collapses with one already pending). */
  public void requestReconcile() {
    plans.request();
  }

  /**
   * Queues a status read and reconcile of every node (a node being reconciled right now is read in
   * a later round). Guest devices the inventory did not expect make the controller read a guest's
   * config or poll the cluster now (see {@link InventoryDemand}); a poll held back by its
   * one-per-second spacing starts here when due.
   */
  public void collectStatus() {
    demand.tick();
    store.get().nodes().keySet().forEach(nodes::addStatusRead);
  }

  /** Queues the nodes whose requeue time (a push backoff) has come. */
  public void retryPushes() {
    nodes.tick();
  }

  public ControllerSnapshot snapshot() {
    return Snapshots.of(store.get(), store.clock().instant());
  }
}
