package io.pvespan.controller;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Triggers (a poll that saw a change, a spec change, a migration, a status showing drift) only
 * enqueue the one reconcile; requests that arrive while one is pending collapse into it, as a
 * controller work queue de-duplicates keys. The pipeline is level-based, so one run after any
 * number of triggers sees every change.
 */
final class ReconcileQueue {
  private final Executor executor;
  private final Runnable reconcile;
  private final AtomicBoolean pending = new AtomicBoolean();

  ReconcileQueue(Executor executor, Runnable reconcile) {
    this.executor = executor;
    this.reconcile = reconcile;
  }

  void request() {
    if (pending.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            pending.set(false);
            reconcile.run();
          });
    }
  }
}
