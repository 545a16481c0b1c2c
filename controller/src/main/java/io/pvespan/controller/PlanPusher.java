package io.pvespan.controller;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.AgentException;
import io.pvespan.controller.agents.PushOutcome;
import io.pvespan.plan.NodeMirrorPlan;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each node's plan in force to its agent when the agent's applied digest differs: one task
 * per node (at most one in flight), so an unreachable or hanging agent delays only itself. Failures
 * back off exponentially (by the injected clock); a 409 means the agent holds a newer generation,
 * which the controller adopts by renumbering its plan above it and pushing again.
 */
final class PlanPusher {
  private static final Logger LOG = LoggerFactory.getLogger(PlanPusher.class);

  /** Consecutive 409s after which the agent is treated as failing (it keeps refusing). */
  private static final int MAX_STALE_STREAK = 3;

  private final ControllerState state;
  private final AgentClient client;
  private final Executor io;
  private final Backoff backoff;

  PlanPusher(ControllerState state, AgentClient client, Executor io, Backoff backoff) {
    this.state = state;
    this.client = client;
    this.io = io;
    this.backoff = backoff;
  }

  void ensureAll() {
    List<String> nodes;
    synchronized (state) {
      nodes = List.copyOf(state.plans.keySet());
    }
    nodes.forEach(this::ensure);
  }

  /** Starts a push to {@code node} if its agent lacks the plan in force and none is running. */
  void ensure(String node) {
    NodeMirrorPlan plan;
    URI url;
    synchronized (state) {
      plan = state.plans.get(node);
      NodeAgentState a = state.agents.get(node);
      if (plan == null
          || a == null
          || a.url == null
          || a.pushInFlight
          || plan.digest().equals(a.appliedDigest)
          || state.now().isBefore(a.nextAttempt)) {
        return;
      }
      a.pushInFlight = true;
      url = a.url;
    }
    try {
      io.execute(() -> push(node, url, plan));
    } catch (RejectedExecutionException e) {
      synchronized (state) {
        state.agent(node).pushInFlight = false; // shutting down
      }
    }
  }

  private void push(String node, URI url, NodeMirrorPlan plan) {
    PushOutcome outcome;
    try {
      outcome = client.push(url, plan);
    } catch (RuntimeException e) {
      outcome = new PushOutcome.Failed(0, e.toString());
    }
    Long learnGeneration = null;
    boolean askStatus = false;
    synchronized (state) {
      NodeAgentState a = state.agents.get(node);
      if (a == null) {
        return; // the node left the cluster while we pushed
      }
      a.pushInFlight = false;
      a.pushEpoch++;
      if (outcome instanceof PushOutcome.Applied) {
        a.pushes++;
        a.staleStreak = 0;
        a.failedAttempts = 0;
        a.nextAttempt = java.time.Instant.MIN;
        a.reachable = true;
        a.lastContact = state.now();
        a.lastError = null;
        a.recordApplied(plan.generation(), plan.digest());
        LOG.info("node {}: plan generation {} applied", node, plan.generation());
      } else if (outcome instanceof PushOutcome.Stale stale) {
        a.reachable = true;
        a.lastContact = state.now();
        if (++a.staleStreak > MAX_STALE_STREAK) {
          fail(a, plan, "agent keeps refusing generations as stale: " + stale.reason());
        } else {
          a.lastError = "generation " + plan.generation() + " refused as stale; adopting";
          learnGeneration = stale.agentGeneration();
          askStatus = learnGeneration == null;
        }
      } else if (outcome instanceof PushOutcome.Failed failed) {
        a.reachable = failed.httpStatus() != 0;
        fail(a, plan, failed.reason());
      }
    }
    if (askStatus) {
      try {
        learnGeneration = client.status(url).appliedGeneration();
      } catch (AgentException | RuntimeException e) {
        synchronized (state) {
          NodeAgentState a = state.agents.get(node);
          if (a != null) {
            fail(a, plan, e.getMessage());
          }
        }
        return;
      }
    }
    if (learnGeneration != null) {
      adoptAbove(node, learnGeneration);
    }
    ensure(node); // the plan may have changed meanwhile, or the adoption needs its push
  }

  private void fail(NodeAgentState a, NodeMirrorPlan plan, String reason) {
    a.pushFailures++;
    a.failedAttempts++;
    a.nextAttempt = state.now().plus(backoff.after(a.failedAttempts));
    a.lastError = "push of generation " + plan.generation() + " failed: " + reason;
    LOG.warn("node {}: {} (retry after {})", a.node, a.lastError, backoff.after(a.failedAttempts));
  }

  /** Renumbers the node's plan above the agent's generation (content unchanged). */
  private void adoptAbove(String node, long agentGeneration) {
    synchronized (state) {
      NodeMirrorPlan p = state.plans.get(node);
      NodeAgentState a = state.agents.get(node);
      if (a == null || p == null) {
        return;
      }
      a.appliedGeneration = Math.max(a.appliedGeneration, agentGeneration);
      if (p.generation() <= agentGeneration) {
        state.plans.put(node, p.withGeneration(agentGeneration + 1));
        LOG.info(
            "node {}: agent holds generation {}; renumbered the plan to {}",
            node,
            agentGeneration,
            agentGeneration + 1);
      }
    }
  }
}
