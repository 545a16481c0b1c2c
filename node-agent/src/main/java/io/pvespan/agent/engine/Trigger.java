package io.pvespan.agent.engine;

/**
 * Why the reconciler should run. Triggers are keys in a de-duplicating queue: any number of equal
 * triggers waiting together cause one converge. The loop is level-based, so every run converges the
 * whole plan; the trigger only says why (for logs) and lets bursts coalesce.
 */
public sealed interface Trigger {
  /** A plan was accepted (PUT or loaded from the state dir). */
  Trigger PLAN_CHANGED = new PlanChanged();

  /** The periodic full resync, the safety net for lost kernel events. */
  Trigger RESYNC = new Resync();

  /** The copy guard changed a factor ({@link CopyGuard}): the guests' filters are re-written. */
  Trigger GUARD_CHANGED = new GuardChanged();

  /** A kernel change on {@code device}; null device: unknown, anything may have changed. */
  static Trigger kernelChanged(String device) {
    return new KernelChanged(device == null ? "*" : device);
  }

  record PlanChanged() implements Trigger {}

  record Resync() implements Trigger {}

  record GuardChanged() implements Trigger {}

  /** {@code device} is {@code *} when the event did not say which device changed. */
  record KernelChanged(String device) implements Trigger {}
}
