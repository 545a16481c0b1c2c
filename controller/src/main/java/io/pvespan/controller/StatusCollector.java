package io.pvespan.controller;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.AgentException;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.GuestDevice;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Reads every agent's {@code GET /v1/status}, one task per node (at most one in flight), and feeds
 * what it learns back: the applied generation and digest (an agent that lost or changed its plan
 * gets the plan in force pushed again), drift, reachability. An agent already holding the plan's
 * content under a higher generation (the controller restarted) is adopted without a push. The guest
 * devices it reports go to {@code devicesReported} (outside the state lock, on the status read's
 * own thread; the listener must hand slow work elsewhere).
 */
final class StatusCollector {
  private final ControllerState state;
  private final AgentClient client;
  private final Executor io;
  private final PlanPusher pusher;
  private final BiConsumer<String, List<GuestDevice>> devicesReported;

  StatusCollector(
      ControllerState state,
      AgentClient client,
      Executor io,
      PlanPusher pusher,
      BiConsumer<String, List<GuestDevice>> devicesReported) {
    this.state = state;
    this.client = client;
    this.io = io;
    this.pusher = pusher;
    this.devicesReported = devicesReported;
  }

  void collectAll() {
    List<String> nodes;
    synchronized (state) {
      nodes = List.copyOf(state.agents.keySet());
    }
    nodes.forEach(this::collect);
  }

  void collect(String node) {
    URI url;
    long epoch;
    synchronized (state) {
      NodeAgentState a = state.agents.get(node);
      if (a == null || a.url == null || a.statusInFlight) {
        return;
      }
      a.statusInFlight = true;
      url = a.url;
      epoch = a.pushEpoch;
    }
    try {
      io.execute(() -> fetch(node, url, epoch));
    } catch (RejectedExecutionException e) {
      synchronized (state) {
        state.agent(node).statusInFlight = false;
      }
    }
  }

  private void fetch(String node, URI url, long epoch) {
    NodeMirrorStatus status = null;
    String error;
    try {
      status = client.status(url);
      error =
          node.equals(status.node())
              ? null
              : "the agent at " + url + " reports node '" + status.node() + "', not '" + node + "'";
    } catch (AgentException | RuntimeException e) {
      error = e.getMessage();
    }
    synchronized (state) {
      NodeAgentState a = state.agents.get(node);
      if (a == null) {
        return; // the node left the cluster while we asked
      }
      a.statusInFlight = false;
      if (error != null) {
        a.reachable = status != null;
        a.lastError = error;
        return;
      }
      a.reachable = true;
      a.lastContact = state.now();
      a.lastStatus = status;
      if (a.pushEpoch == epoch && !a.pushInFlight) {
        // The freshest truth: also when the agent lost its state and went back to generation 0.
        a.appliedGeneration = status.appliedGeneration();
        a.appliedDigest = status.appliedDigest();
      } else {
        a.recordApplied(status.appliedGeneration(), status.appliedDigest());
      }
      NodeMirrorPlan p = state.plans.get(node);
      if (p != null
          && p.digest().equals(status.appliedDigest())
          && status.appliedGeneration() > p.generation()) {
        state.plans.put(node, p.withGeneration(status.appliedGeneration()));
      }
      if (p != null && p.digest().equals(a.appliedDigest) && a.failedAttempts == 0) {
        a.lastError = null;
      }
    }
    devicesReported.accept(node, status.guestDevices());
    pusher.ensure(node);
  }
}
