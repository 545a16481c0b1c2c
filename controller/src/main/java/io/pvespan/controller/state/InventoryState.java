package io.pvespan.controller.state;

import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.PveException.Cause;
import io.pvespan.inventory.Inventory;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The cluster as last polled, with the poll counters the API shows. A failed poll never replaces
 * the snapshot: the plans keep being made from the last good inventory (an API that is down, slow,
 * refusing or answering garbage must not look like an empty cluster).
 *
 * @param snapshot the last good poll (node overrides applied, sorted), or null before one
 * @param lastPollError why the newest poll failed, or null when it succeeded
 * @param failuresByCause failed polls by kind, since the start
 * @param configRefreshes single guest configs read between polls (a device an agent reported)
 */
public record InventoryState(
    InventorySnapshot snapshot,
    Instant lastPoll,
    String lastPollError,
    long polls,
    long pollFailures,
    long configRefreshes,
    Map<Cause, Long> failuresByCause) {
  public static final InventoryState NONE = new InventoryState(null, null, null, 0, 0, 0, Map.of());

  public InventoryState {
    failuresByCause = Map.copyOf(failuresByCause);
  }

  /** The inventory in force, or null before the first good poll. */
  public Inventory inventory() {
    return snapshot == null ? null : snapshot.inventory();
  }

  public InventoryState polled(InventorySnapshot next, Instant at) {
    return new InventoryState(
        next, at, null, polls + 1, pollFailures, configRefreshes, failuresByCause);
  }

  /** A failed poll keeps the last inventory. */
  public InventoryState pollFailed(Cause cause, String error) {
    Map<Cause, Long> by = new EnumMap<>(Cause.class);
    by.putAll(failuresByCause);
    by.merge(cause, 1L, Long::sum);
    return new InventoryState(
        snapshot, lastPoll, error, polls, pollFailures + 1, configRefreshes, by);
  }

  /** One guest's config was read; {@code next} replaces the snapshot when non-null. */
  public InventoryState refreshed(InventorySnapshot next) {
    return new InventoryState(
        next == null ? snapshot : next,
        lastPoll,
        lastPollError,
        polls,
        pollFailures,
        configRefreshes + 1,
        failuresByCause);
  }
}
