package io.pvespan.controller.state;

import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.inventory.Inventory;
import java.time.Instant;

/**
 * The cluster as last polled, with the poll counters the API shows.
 *
 * @param snapshot the last good poll (node overrides applied, sorted), or null before one
 * @param configRefreshes single guest configs read between polls (a device an agent reported)
 */
public record InventoryState(
    InventorySnapshot snapshot,
    Instant lastPoll,
    String lastPollError,
    long polls,
    long pollFailures,
    long configRefreshes) {
  public static final InventoryState NONE = new InventoryState(null, null, null, 0, 0, 0);

  /** The inventory in force, or null before the first good poll. */
  public Inventory inventory() {
    return snapshot == null ? null : snapshot.inventory();
  }

  public InventoryState polled(InventorySnapshot next, Instant at) {
    return new InventoryState(next, at, null, polls + 1, pollFailures, configRefreshes);
  }

  /** A failed poll keeps the last inventory. */
  public InventoryState pollFailed(String error) {
    return new InventoryState(snapshot, lastPoll, error, polls, pollFailures + 1, configRefreshes);
  }

  /** One guest's config was read; {@code next} replaces the snapshot when non-null. */
  public InventoryState refreshed(InventorySnapshot next) {
    return new InventoryState(
        next == null ? snapshot : next,
        lastPoll,
        lastPollError,
        polls,
        pollFailures,
        configRefreshes + 1);
  }
}
