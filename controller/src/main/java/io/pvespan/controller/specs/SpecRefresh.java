package io.pvespan.controller.specs;

import io.pvespan.controller.planner.GuestInterest;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.state.StateStore;
import io.pvespan.inventory.Guest;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the state's specs up to date with the {@link SpecSource}, off the reconcile path: a check
 * runs on its own executor, reads the cheap fingerprint, and loads (reads, parses, validates) only
 * when it differs from the one last read (broken content too, so it is not re-read until it
 * changes). One check at a time. Broken specs never replace the last valid set, not even in part; a
 * valid set tells the inventory source which guests' NICs it needs, then asks for a reconcile.
 *
 * <p>A check has a time budget: one still running after it is abandoned (its result, if it ever
 * comes, is dropped) and reported as a spec error, and the last valid specs stay in force.
 * Reconciles never wait for a check, so a huge or broken spec cannot delay following migrations.
 */
public final class SpecRefresh {
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(SpecRefresh.class);

  private final SpecSource source;
  private final StateStore store;
  private final InventorySource inventory;
  private final Executor executor;
  private final Duration budget;
  private final Runnable applied;
  private final AtomicReference<Check> inFlight = new AtomicReference<>();

  /** One check: when it started, what it read, whether it was given up. */
  private static final class Check {
    final Instant started;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile Thread thread;
    volatile String digest;
    volatile boolean abandoned;

    Check(Instant started) {
      this.started = started;
    }
  }

  /**
   * @param executor runs checks (its own thread in the daemon; the caller's in tests)
   * @param applied called after a valid set was put in force (requests a reconcile)
   */
  public SpecRefresh(
      SpecSource source,
      StateStore store,
      InventorySource inventory,
      Executor executor,
      Duration budget,
      Runnable applied) {
    this.source = source;
    this.store = store;
    this.inventory = inventory;
    this.executor = executor;
    this.budget = budget;
    this.applied = applied;
  }

  /**
   * Starts a check unless one runs; a running one past its budget is abandoned and reported. Never
   * waits (unless the executor is the caller's thread).
   */
  public void check() {
    Check running = inFlight.get();
    if (running != null) {
      abandonIfOverBudget(running);
      return;
    }
    Check c = new Check(store.clock().instant());
    if (!inFlight.compareAndSet(null, c)) {
      return;
    }
    try {
      executor.execute(() -> run(c));
    } catch (RejectedExecutionException e) {
      inFlight.compareAndSet(c, null); // shutting down
      c.done.complete(null);
    }
  }

  /**
   * Before the first poll: starts the first check and waits for it, at most the budget (the first
   * poll reads only the guest configs the specs need, so it is worth a short wait).
   */
  public void loadOnce() {
    if (store.get().specs().tried()) {
      return;
    }
    check();
    Check c = inFlight.get();
    if (c == null) {
      return;
    }
    try {
      c.done.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abandonIfOverBudget(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // run() completes normally; nothing to report
    }
  }

  private void abandonIfOverBudget(Check c) {
    Duration took = Duration.between(c.started, store.clock().instant());
    if (took.compareTo(budget) <= 0 || c.abandoned) {
      return;
    }
    c.abandoned = true;
    inFlight.compareAndSet(c, null);
    reject(
        c.digest,
        List.of(
            "reading and validating the specs took over the "
                + budget.toSeconds()
                + " s budget; abandoned, and not tried again until they change"),
        c.digest == null ? null : source.commit(c.digest));
    Thread t = c.thread;
    if (t != null) {
      t.interrupt();
    }
  }

  private void run(Check c) {
    c.thread = Thread.currentThread();
    try {
      refresh(c);
    } catch (RuntimeException e) {
      LOG.warn("spec check failed", e);
    } finally {
      c.thread = null;
      inFlight.compareAndSet(c, null);
      c.done.complete(null);
    }
  }

  private void refresh(Check c) {
    String digest;
    try {
      digest = source.fingerprint();
    } catch (IOException | UncheckedIOException e) {
      if (!c.abandoned) {
        reject(null, List.of("specs cannot be read: " + e.getMessage()), null);
      }
      return;
    }
    c.digest = digest;
    if (c.abandoned || digest.equals(store.get().specs().digest())) {
      return;
    }
    String commit = source.commit(digest);
    LoadResult loaded;
    try {
      loaded = source.load();
    } catch (RuntimeException e) {
      loaded = null;
      if (!c.abandoned) {
        reject(digest, List.of("the spec loader failed: " + e), commit);
      }
    }
    if (loaded == null || c.abandoned) {
      return;
    }
    if (!loaded.ok()) {
      reject(digest, loaded.problems().stream().map(SpecProblem::toString).toList(), commit);
      return;
    }
    LoadResult valid = loaded;
    Predicate<Guest> interest = GuestInterest.of(valid.specs());
    store.update(st -> st.withSpecs(st.specs().loaded(valid.specs(), digest, interest, commit)));
    inventory.interest(interest);
    LOG.info(
        "specs loaded{}: {} sensors, {} sessions",
        commit == null ? "" : " from commit " + commit,
        valid.specs().sensors().size(),
        valid.specs().sessions().size());
    applied.run();
  }

  private void reject(String digest, List<String> errors, String commit) {
    store.update(st -> st.withSpecs(st.specs().rejected(digest, errors, commit)));
    LOG.warn(
        "specs{} rejected ({} problems); the last valid specs stay in force: {}",
        commit == null ? "" : " of commit " + commit,
        errors.size(),
        String.join(" | ", errors));
  }
}
