package io.pvespan.status;

import java.time.Instant;
import java.util.Objects;

/**
 * A Kubernetes-style condition: {@code type} (Ready, Converged, PlanAccepted...), {@code status}
 * "True", "False" or "Unknown", a CamelCase {@code reason}, a human {@code message}.
 */
public record Condition(
    String type,
    String status,
    String reason,
    String message,
    Instant lastTransitionTime,
    long observedGeneration) {
  public Condition {
    Objects.requireNonNull(type, "type");
    if (!"True".equals(status) && !"False".equals(status) && !"Unknown".equals(status)) {
      throw new IllegalArgumentException(
          "condition status '" + status + "' is not True/False/Unknown");
    }
  }
}
