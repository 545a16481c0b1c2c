package io.pvespan.controller.agents;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;

/**
 * Talks to one node agent at a time ({@code agent} is its base URL). Calls block for at most the
 * client's timeouts; the controller runs each node's calls in its own task so that a slow agent
 * never holds up the others.
 */
public interface AgentClient {
  /** {@code PUT /v1/plan}. Never throws: every failure is a {@link PushOutcome}. */
  PushOutcome push(URI agent, NodeMirrorPlan plan);

  /**
   * {@code GET /v1/status} of {@code node}'s agent (under mutual TLS the agent's certificate must
   * name {@code node}; {@link #push} checks against the plan's node).
   *
   * @throws AgentException when the agent cannot be reached or answers badly (one-line message)
   */
  NodeMirrorStatus status(URI agent, String node) throws AgentException;
}
