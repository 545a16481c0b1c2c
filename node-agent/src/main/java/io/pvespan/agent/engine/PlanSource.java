package io.pvespan.agent.engine;

/** Where the current plan came from: pushed by the controller, or loaded from the state dir. */
public enum PlanSource {
  PUSHED,
  STORED
}
