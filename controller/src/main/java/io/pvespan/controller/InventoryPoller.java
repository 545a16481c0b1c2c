package io.pvespan.controller;

import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.PveException;
import io.pvespan.inventory.Inventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inventory poll: applies the configured node overrides (address, MTU) and asks for a reconcile
 * when the inventory changed or a migration was seen (at once, not at the next tick).
 */
final class InventoryPoller {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryPoller.class);

  private final ControllerState state;
  private final InventorySource source;
  private final NodeOverrides overrides;
  private final Runnable requestReconcile;

  InventoryPoller(
      ControllerState state,
      InventorySource source,
      NodeOverrides overrides,
      Runnable requestReconcile) {
    this.state = state;
    this.source = source;
    this.overrides = overrides;
    this.requestReconcile = requestReconcile;
  }

  void poll() {
    InventorySnapshot snapshot;
    try {
      snapshot = source.poll();
    } catch (PveException | RuntimeException e) {
      synchronized (state) {
        state.pollFailures++;
        state.lastPollError = e.getMessage();
      }
      LOG.warn("inventory poll failed: {}", e.getMessage());
      return;
    }
    Inventory inventory = withOverrides(snapshot.inventory()).sorted();
    boolean changed;
    synchronized (state) {
      state.polls++;
      state.lastPoll = state.now();
      state.lastPollError = null;
      changed = state.inventory == null || !state.inventory.inventory().equals(inventory);
      state.inventory =
          new InventorySnapshot(inventory, snapshot.migrations(), snapshot.requests());
    }
    if (!snapshot.migrations().isEmpty()) {
      LOG.info("migrations seen: {}; re-planning now", snapshot.migrations());
    }
    if (changed || !snapshot.migrations().isEmpty()) {
      requestReconcile.run();
    }
  }

  private Inventory withOverrides(Inventory inventory) {
    return overrides.apply(inventory);
  }
}
