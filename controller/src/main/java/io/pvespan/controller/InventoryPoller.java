package io.pvespan.controller;

import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.PveException;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inventory poll: applies the configured node overrides (address, MTU) and asks for a reconcile
 * when the inventory changed or a migration was seen (at once, not at the next tick). Also reads
 * one guest's config between polls ({@link #refresh}). Polls and refreshes never overlap (the
 * source is not made for concurrent use); a caller waits for the one running.
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

  /** Serializes polls and refreshes against the source. */
  private final Object io = new Object();

  void poll() {
    synchronized (io) {
      pollNow();
    }
  }

  private void pollNow() {
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

  /**
   * Re-reads one guest's config now and re-plans when its NICs changed. A guest the inventory does
   * not have is left to the next poll; a source that cannot read one guest, or a failed read (the
   * guest may have moved since the last poll), falls back to a full poll.
   */
  void refresh(VmId vmid) {
    synchronized (io) {
      Guest known;
      synchronized (state) {
        known = state.inventory == null ? null : guest(state.inventory.inventory(), vmid);
      }
      if (known == null) {
        return;
      }
      Optional<Guest> fresh;
      try {
        fresh = source.refreshGuest(known);
      } catch (PveException | RuntimeException e) {
        LOG.warn("reading guest {}'s config failed ({}); polling instead", vmid, e.getMessage());
        pollNow();
        return;
      }
      if (fresh.isEmpty()) {
        pollNow();
        return;
      }
      boolean changed;
      synchronized (state) {
        Inventory inv = state.inventory.inventory();
        Guest current = guest(inv, vmid);
        // Adopt the read only if no poll moved the guest meanwhile (then the poll's read rules).
        changed = current != null && sameState(current, known) && !current.equals(fresh.get());
        if (changed) {
          List<Guest> guests = new ArrayList<>(inv.guests());
          guests.replaceAll(g -> g.vmid().equals(vmid) ? fresh.get() : g);
          state.inventory =
              new InventorySnapshot(
                  new Inventory(inv.nodes(), guests).sorted(),
                  state.inventory.migrations(),
                  state.inventory.requests());
        }
        state.configRefreshes++;
      }
      if (changed) {
        LOG.info("guest {}: its NICs changed since the last poll; re-planning now", vmid);
        requestReconcile.run();
      }
    }
  }

  private static Guest guest(Inventory inventory, VmId vmid) {
    return inventory.guests().stream().filter(g -> g.vmid().equals(vmid)).findFirst().orElse(null);
  }

  private static boolean sameState(Guest a, Guest b) {
    return a.node().equals(b.node())
        && a.type() == b.type()
        && a.status().equals(b.status())
        && Objects.equals(a.lock(), b.lock());
  }
}
