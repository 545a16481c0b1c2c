package io.pvespan.controller;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.pve.InventorySource;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The controller's work without its schedule: each public method is one trigger that the daemon's
 * Quartz jobs (or a test) call. Every trigger is cheap and non-blocking apart from the inventory
 * poll; agent I/O runs on {@code agentIo}, one task per node (and there too the inventory reads
 * that agents' device reports ask for), and the reconcile on {@code reconcileExecutor},
 * de-duplicated (see {@link ReconcileQueue}).
 */
public final class Controller {
  private final ControllerState state;
  private final PlanReconciler reconciler;
  private final PlanPusher pusher;
  private final StatusCollector collector;
  private final InventoryPoller poller;
  private final ReconcileQueue queue;
  private final InventoryDemand demand;

  /** Everything the controller depends on; tests pass fakes. */
  public record Ports(
      SpecSource specs,
      InventorySource inventory,
      Planner planner,
      AgentClient agents,
      AgentAddressing addressing,
      NodeOverrides nodes,
      Clock clock,
      Backoff backoff) {
    public Ports {
      Objects.requireNonNull(specs, "specs");
      Objects.requireNonNull(inventory, "inventory");
      Objects.requireNonNull(planner, "planner");
      Objects.requireNonNull(agents, "agents");
      Objects.requireNonNull(addressing, "addressing");
      nodes = nodes == null ? NodeOverrides.NONE : nodes;
      clock = clock == null ? Clock.systemUTC() : clock;
      backoff = backoff == null ? Backoff.DEFAULT : backoff;
    }
  }

  /**
   * @param agentIo runs agent calls and inventory reads between polls; must offer a thread per node
   *     and two more at least (a cached pool)
   * @param reconcileExecutor runs the reconcile; a single thread (or the caller's, in tests)
   */
  public Controller(Ports ports, Executor agentIo, Executor reconcileExecutor) {
    this.state = new ControllerState(ports.clock());
    this.pusher = new PlanPusher(state, ports.agents(), agentIo, ports.backoff());
    this.reconciler =
        new PlanReconciler(
            state, ports.specs(), ports.inventory(), ports.planner(), ports.addressing(), pusher);
    this.queue = new ReconcileQueue(reconcileExecutor, reconciler::reconcile);
    this.poller = new InventoryPoller(state, ports.inventory(), ports.nodes(), queue::request);
    this.demand = new InventoryDemand(state, poller, agentIo);
    this.collector =
        new StatusCollector(state, ports.agents(), agentIo, pusher, demand::devicesReported);
  }

  /**
   * Polls the inventory; a change or a migration enqueues a reconcile at once. The first poll loads
   * the specs beforehand (when they load) so that it reads only the guest configs they need.
   */
  public void pollInventory() {
    reconciler.loadSpecsOnce();
    poller.poll();
  }

  /** Enqueues a reconcile when the specs' content changed since last loaded. */
  public void checkSpecs() {
    if (reconciler.specsChanged()) {
      queue.request();
    }
  }

  /** Enqueues a reconcile (it collapses with one already pending). */
  public void requestReconcile() {
    queue.request();
  }

  /**
   * Reads every agent's status, each on its own I/O task (a slow agent delays nobody else's read);
   * agents found lacking the plan in force get it pushed. Guest devices the inventory did not
   * expect make the controller read a guest's config or poll the cluster now (see {@link
   * InventoryDemand}); a poll held back by its one-per-second spacing starts here when due.
   */
  public void collectStatus() {
    demand.tick();
    collector.collectAll();
  }

  /** Pushes to every agent that lacks its plan and whose backoff has expired. */
  public void retryPushes() {
    pusher.ensureAll();
  }

  public ControllerSnapshot snapshot() {
    return state.snapshot();
  }
}
