package io.pvespan.agent.state;

import io.pvespan.plan.NodeMirrorPlan;
import java.util.Objects;

/** What {@link PlanStore#load()} found. */
public sealed interface StoredPlan {
  /** No plan stored yet (first start). */
  record Absent() implements StoredPlan {}

  record Loaded(NodeMirrorPlan plan) implements StoredPlan {
    public Loaded {
      Objects.requireNonNull(plan, "plan");
    }
  }

  /** The file exists but cannot be used; {@code reason} is one line. */
  record Corrupt(String reason) implements StoredPlan {}
}
