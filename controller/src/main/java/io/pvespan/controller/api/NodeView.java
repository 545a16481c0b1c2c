package io.pvespan.controller.api;

import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/nodes}: one node's agent. {@code reachable} null: not tried yet. {@code inSync}:
 * the applied digest is the desired one. {@code ready}: the node's {@code Ready} condition as the
 * controller sees it (reachable, the agent's own Ready, the plan applied; see {@code
 * NodeReadiness}), with the agent's reason and message when the agent says it is not ready. {@code
 * drift} and {@code agentConditions} come from the agent's last status; {@code lastError} is the
 * most recent failure talking to it.
 */
public record NodeView(
    String node,
    String agentUrl,
    Boolean reachable,
    Instant lastContact,
    long appliedGeneration,
    String appliedDigest,
    long desiredGeneration,
    String desiredDigest,
    boolean inSync,
    Condition ready,
    List<DriftItem> drift,
    List<Condition> agentConditions,
    String lastError,
    long pushes,
    long pushFailures,
    Instant nextPushAttempt) {}
