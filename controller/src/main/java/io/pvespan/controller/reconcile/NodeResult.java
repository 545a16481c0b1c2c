package io.pvespan.controller.reconcile;

import java.time.Instant;

/**
 * What one node's reconcile asks of its queue, as controller-runtime's {@code Result}: nothing
 * ({@link #DONE}; the next trigger will come) or to run again at {@code requeueAt}.
 */
public record NodeResult(Instant requeueAt) {
  public static final NodeResult DONE = new NodeResult(null);

  public static NodeResult at(Instant when) {
    return when == null ? DONE : new NodeResult(when);
  }
}
