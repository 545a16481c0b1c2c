package io.pvespan.controller.reconcile;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.controller.state.StateStore;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.GuestDevice;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's reconcile, level-based and idempotent: optionally read the agent's status, then loop
 * {@link Decide#decide} → act (push, adopt, record a refusal) until the node is in sync or must
 * wait. Run by {@link NodeQueue}, one node at a time per key; any failure, an exception included,
 * is recorded on this node and retried with backoff, never felt by another node.
 */
public final class NodeReconciler implements NodeQueue.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReconciler.class);

  /** Pushes in one run at most (a 409 and the push above it is two); then requeue. */
  private static final int MAX_STEPS = 4;

  private final StateStore store;
  private final StatusRead status;
  private final PlanPush push;

  public NodeReconciler(
      StateStore store,
      AgentClient client,
      PushBackoff backoff,
      BiConsumer<String, List<GuestDevice>> devicesReported) {
    this(store, client, backoff, devicesReported, GenerationLedger.LOCAL);
  }

  /**
   * @param ledger issues each push's generation ({@link GenerationLedger#LOCAL}: one controller)
   */
  public NodeReconciler(
      StateStore store,
      AgentClient client,
      PushBackoff backoff,
      BiConsumer<String, List<GuestDevice>> devicesReported,
      GenerationLedger ledger) {
    this.store = store;
    this.status = new StatusRead(store, client, devicesReported);
    this.push = new PlanPush(store, client, backoff, status, ledger);
  }

  @Override
  public NodeResult reconcile(String node, boolean readStatus) {
    try {
      NodeObservation seen = store.get().nodes().get(node);
      if (seen == null || seen.url() == null) {
        return NodeResult.DONE; // left the cluster, or no address: the next plan may bring one
      }
      // An agent that did not answer is probed by a status read (not a push) when its backoff
      // ends: a push to nobody, or "in sync" with what it held before, would reset the backoff.
      // An agent never tried yet (this controller just started, or just took the lead) is read
      // first too: what it holds from before is adopted, not pushed again under a new number.
      if (readStatus || !Boolean.TRUE.equals(seen.reachable())) {
        Instant now = store.clock().instant();
        if (Boolean.FALSE.equals(seen.reachable())
            && seen.retryAt() != null
            && now.isBefore(seen.retryAt())) {
          // Unreachable: probed again (by status read or push) when its backoff ends, not every
          // status interval.
          return NodeResult.at(seen.retryAt());
        }
        if (!status.read(node, seen.url())) {
          NodeObservation after = store.get().nodes().get(node);
          if (after != null && Boolean.FALSE.equals(after.reachable())) {
            return push.unreachable(node, after.lastError());
          }
          return NodeResult.DONE; // not the agent we expect: the next round tries again
        }
      }
      return converge(node);
    } catch (RuntimeException e) {
      LOG.error("node {}: reconcile failed: {}", node, e.toString(), e);
      return push.failed(node, "reconcile failed: " + e, null, false);
    }
  }

  private NodeResult converge(String node) {
    for (int step = 0; step < MAX_STEPS; step++) {
      ControllerState s = store.get();
      NodeObservation seen = s.nodes().get(node);
      if (seen == null || seen.url() == null) {
        return NodeResult.DONE;
      }
      Instant now = store.clock().instant();
      Decision d = Decide.decide(s.desired().plan(node), seen, s.generations().floor(node), now);
      if (d instanceof Decision.InSync) {
        store.update(st -> st.observe(node, NodeObservation::inSync));
        return NodeResult.DONE;
      } else if (d instanceof Decision.Wait w) {
        return NodeResult.at(w.until());
      } else if (d instanceof Decision.Refuse r) {
        LOG.warn("node {}: {}", node, r.reason());
        return push.failed(node, r.reason(), true, false);
      } else if (d instanceof Decision.Adopt a) {
        adopt(node, seen.appliedDigest(), a.generation());
      } else if (d instanceof Decision.Push p) {
        push.push(node, seen.url(), p.plan());
      }
    }
    return NodeResult.at(store.clock().instant()); // the next tick continues
  }

  /** Renumbers the plan in force to the agent's generation (the same content), no push. */
  private void adopt(String node, String digest, long generation) {
    store.update(
        st -> {
          NodeMirrorPlan p = st.desired().plan(node);
          if (p == null || !p.digest().equals(digest) || p.generation() >= generation) {
            return st; // the plan changed meanwhile
          }
          return st.withDesired(st.desired().with(p.withGeneration(generation)))
              .withGenerations(st.generations().raise(node, generation));
        });
    LOG.info("node {}: the agent holds the plan as generation {}; adopted", node, generation);
  }
}
