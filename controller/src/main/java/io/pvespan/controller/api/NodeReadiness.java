package io.pvespan.controller.api;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.status.Condition;

/**
 * A node's {@code Ready} as the controller sees it, from one {@link AgentSnapshot}; pure. Never
 * more optimistic than the agent: an agent whose own {@code Ready} is not True (its kernel probe
 * failed, a kernel command failed, no plan) is not ready, with the agent's reason and message.
 */
final class NodeReadiness {
  private NodeReadiness() {}

  /**
   * In order: unreachable ({@code AgentUnreachable}); no status read yet ({@code Unknown}, {@code
   * NoStatusYet}); the agent's own Ready when not True (its reason, or {@code NoReadyCondition});
   * the plan in force not applied ({@code PlanNotApplied}); else {@code AgentReady}.
   */
  static Condition of(AgentSnapshot a) {
    if (Boolean.FALSE.equals(a.reachable())) {
      return condition("False", "AgentUnreachable", a.lastError());
    }
    if (a.lastStatus() == null) {
      return condition("Unknown", "NoStatusYet", "no status read from the agent yet");
    }
    Condition agents =
        a.lastStatus().conditions().stream()
            .filter(c -> "Ready".equals(c.type()))
            .findFirst()
            .orElse(null);
    if (agents == null) {
      return condition("Unknown", "NoReadyCondition", "the agent reports no Ready condition");
    }
    if (!"True".equals(agents.status())) {
      String reason =
          agents.reason() == null || agents.reason().isBlank() ? "AgentNotReady" : agents.reason();
      return condition(agents.status(), reason, agents.message());
    }
    if (!a.inSync()) {
      return condition(
          "False",
          "PlanNotApplied",
          "applied generation " + a.appliedGeneration() + ", desired " + a.desiredGeneration());
    }
    return condition("True", "AgentReady", agents.message());
  }

  private static Condition condition(String status, String reason, String message) {
    return new Condition("Ready", status, reason, message == null ? "" : message, null, 0);
  }
}
