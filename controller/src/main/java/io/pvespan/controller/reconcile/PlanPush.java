package io.pvespan.controller.reconcile;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.PushOutcome;
import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.Generations;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.controller.state.StateStore;
import io.pvespan.plan.NodeMirrorPlan;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code PUT /v1/plan} and what it teaches: applied (the pushed plan, possibly renumbered,
 * becomes the plan in force and raises the floor), refused with the agent's generation (a 409,
 * recorded for {@link Decide}; without a generation in the answer, the agent's status is read for
 * it), or failed (backoff by the injected clock).
 */
final class PlanPush {
  private static final Logger LOG = LoggerFactory.getLogger(PlanPush.class);

  /** Consecutive 409s after which the agent is treated as failing (it keeps refusing). */
  static final int MAX_REFUSALS = 3;

  private final StateStore store;
  private final AgentClient client;
  private final PushBackoff backoff;
  private final StatusRead status;
  private final GenerationLedger ledger;

  PlanPush(
      StateStore store,
      AgentClient client,
      PushBackoff backoff,
      StatusRead status,
      GenerationLedger ledger) {
    this.store = store;
    this.client = client;
    this.backoff = backoff;
    this.status = status;
    this.ledger = ledger;
  }

  /**
   * Pushes {@code decided} under the generation the ledger issues for it (the same one for a single
   * controller); nothing is pushed when the ledger fences this controller off.
   */
  void push(String node, URI url, NodeMirrorPlan decided) {
    NodeMirrorPlan plan;
    try {
      plan = Generations.issued(decided, ledger.issue(node, decided.generation()));
    } catch (GenerationLedger.Fenced e) {
      failed(node, "not pushed: " + e.getMessage(), null, false);
      return;
    }
    store.update(st -> st.observe(node, NodeObservation::pushStarted));
    PushOutcome outcome;
    try {
      outcome = client.push(url, plan);
    } catch (RuntimeException e) {
      outcome = new PushOutcome.Failed(0, e.toString());
    }
    Instant now = store.clock().instant();
    if (outcome instanceof PushOutcome.Applied) {
      store.update(st -> applied(st, node, plan, now));
      LOG.info("node {}: plan generation {} applied", node, plan.generation());
    } else if (outcome instanceof PushOutcome.Stale stale) {
      refused(node, url, plan, stale, now);
    } else if (outcome instanceof PushOutcome.Failed f) {
      failed(
          node,
          "push of generation " + plan.generation() + " failed: " + f.reason(),
          f.httpStatus() != 0,
          true);
    }
  }

  private void refused(
      String node, URI url, NodeMirrorPlan plan, PushOutcome.Stale stale, Instant now) {
    Long claimed = stale.agentGeneration();
    if (claimed == null) {
      if (!status.read(node, url)) {
        failed(node, "generation " + plan.generation() + " refused as stale", null, true);
        return;
      }
      NodeObservation o = store.get().nodes().get(node);
      claimed = o == null ? null : o.appliedGeneration();
    }
    Long claim = claimed;
    String why = "generation " + plan.generation() + " refused as stale; adopting";
    ControllerState after =
        store.update(
            st ->
                st.nodes().containsKey(node)
                    ? st.observe(node, o -> o.refused(claim, why, now))
                        .withGenerations(
                            claim == null ? st.generations() : st.generations().raise(node, claim))
                    : st);
    NodeObservation o = after.nodes().get(node);
    if (o != null && o.refusals() > MAX_REFUSALS) {
      failed(node, "agent keeps refusing generations as stale: " + stale.reason(), true, true);
    }
  }

  /**
   * The longest wait between probes of an agent that does not answer at all: it may come back any
   * time, and its new plan should follow soon after (the pushes it then fails keep the full {@link
   * PushBackoff}).
   */
  static final Duration MAX_PROBE_WAIT = Duration.ofSeconds(10);

  /**
   * A status read found no agent (refused, unreachable, timed out): the next probe waits as a push
   * would, up to {@link #MAX_PROBE_WAIT}; not counted as a push failure.
   */
  NodeResult unreachable(String node, String error) {
    ControllerState after =
        store.update(
            st ->
                st.observe(
                    node,
                    o -> {
                      Duration wait = backoff.after(o.failures() + 1);
                      if (wait.compareTo(MAX_PROBE_WAIT) > 0) {
                        wait = MAX_PROBE_WAIT;
                      }
                      return o.failed(error, false, store.clock().instant().plus(wait), false);
                    }));
    NodeObservation o = after.nodes().get(node);
    if (o == null) {
      return NodeResult.DONE;
    }
    if (o.failures() == 1) {
      LOG.warn("node {}: agent unreachable: {} (probing again with backoff)", node, error);
    }
    return NodeResult.at(o.retryAt());
  }

  /**
   * Records a failed attempt on {@code node} with the next backoff and returns when to retry.
   *
   * @param answered whether the agent answered at all; null: unchanged
   * @param pushed whether a push was made (counted in the node's push failures)
   */
  NodeResult failed(String node, String error, Boolean answered, boolean pushed) {
    ControllerState after =
        store.update(
            st ->
                st.observe(
                    node,
                    o ->
                        o.failed(
                            error,
                            answered,
                            store.clock().instant().plus(backoff.after(o.failures() + 1)),
                            pushed)));
    NodeObservation o = after.nodes().get(node);
    if (o == null) {
      return NodeResult.DONE;
    }
    LOG.warn("node {}: {} (retry at {})", node, error, o.retryAt());
    return NodeResult.at(o.retryAt());
  }

  /** The agent holds {@code plan}: observed, floor raised, and it is the plan in force. */
  private static ControllerState applied(
      ControllerState st, String node, NodeMirrorPlan plan, Instant now) {
    if (!st.nodes().containsKey(node)) {
      return st;
    }
    ControllerState next =
        st.observe(node, o -> o.applied(plan, now))
            .withGenerations(st.generations().raise(node, plan.generation()));
    NodeMirrorPlan inForce = st.desired().plan(node);
    if (inForce != null
        && inForce.digest().equals(plan.digest())
        && inForce.generation() < plan.generation()) {
      next = next.withDesired(next.desired().with(plan)); // renumbered above the agent's
    }
    return next;
  }
}
