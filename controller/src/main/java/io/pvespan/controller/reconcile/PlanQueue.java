package io.pvespan.controller.reconcile;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue of the one cluster-wide key, the {@link PlanStage}: triggers (a poll that saw a change,
 * a spec change, a migration) only enqueue it; requests that arrive while one is pending collapse
 * into it, as a controller work queue de-duplicates keys. The stage is level-based, so one run
 * after any number of triggers sees every change.
 */
public final class PlanQueue {
  private final Executor executor;
  private final Runnable reconcile;
  private final AtomicBoolean pending = new AtomicBoolean();

  public PlanQueue(Executor executor, Runnable reconcile) {
    this.executor = executor;
    this.reconcile = reconcile;
  }

  public void request() {
    if (pending.compareAndSet(false, true)) {
      try {
        executor.execute(
            () -> {
              pending.set(false);
              reconcile.run();
            });
      } catch (RejectedExecutionException e) {
        pending.set(false); // shutting down
      }
    }
  }
}
