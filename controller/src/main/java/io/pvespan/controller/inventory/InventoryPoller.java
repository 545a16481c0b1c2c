package io.pvespan.controller.inventory;

import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.state.InventoryState;
import io.pvespan.controller.state.StateStore;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.VmId;
import java.time.Instant;
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
public final class InventoryPoller {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryPoller.class);

  private final StateStore store;
  private final InventorySource source;
  private final NodeOverrides overrides;
  private final Runnable requestReconcile;

  public InventoryPoller(
      StateStore store,
      InventorySource source,
      NodeOverrides overrides,
      Runnable requestReconcile) {
    this.store = store;
    this.source = source;
    this.overrides = overrides;
    this.requestReconcile = requestReconcile;
  }

  /** Serializes polls and refreshes against the source. */
  private final Object io = new Object();

  /** Failures counted when the API last recovered (for the recovery log line); under io. */
  private long lastFailuresReported;

  public void poll() {
    synchronized (io) {
      pollNow();
    }
  }

  private void pollNow() {
    InventorySnapshot snapshot;
    try {
      snapshot = source.poll();
    } catch (PveException | RuntimeException e) {
      String error = String.valueOf(e.getMessage());
      PveException.Cause cause = e instanceof PveException p ? p.cause() : PveException.Cause.OTHER;
      InventoryState before =
          store
              .getAndUpdate(st -> st.withInventory(st.inventory().pollFailed(cause, error)))
              .inventory();
      // One warning when the API goes bad or the reason changes, not one per poll.
      if (!error.equals(before.lastPollError())) {
        LOG.warn(
            "inventory poll failed ({}): {}; the plans in force stay as they are",
            cause.label(),
            error);
      }
      return;
    }
    Inventory inventory = withOverrides(snapshot.inventory()).sorted();
    InventorySnapshot next =
        new InventorySnapshot(inventory, snapshot.migrations(), snapshot.requests());
    Instant at = store.clock().instant();
    InventoryState previous =
        store.getAndUpdate(st -> st.withInventory(st.inventory().polled(next, at))).inventory();
    if (previous.lastPollError() != null) {
      LOG.info(
          "inventory poll succeeded again after {} failure(s)",
          previous.pollFailures() - lastFailuresReported);
    }
    lastFailuresReported = previous.pollFailures();
    Inventory before = previous.inventory();
    boolean changed = before == null || !before.equals(inventory);
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
  public void refresh(VmId vmid) {
    synchronized (io) {
      Inventory current = store.get().inventory().inventory();
      Guest known = current == null ? null : guest(current, vmid);
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
      Guest read = fresh.get();
      // Polls and refreshes are serialised (io), so nothing replaces the inventory meanwhile.
      Guest before = guest(store.get().inventory().inventory(), vmid);
      boolean changed = before != null && sameState(before, known) && !before.equals(read);
      store.update(st -> st.withInventory(adopt(st.inventory(), known, read)));
      if (changed) {
        LOG.info("guest {}: its NICs changed since the last poll; re-planning now", vmid);
        requestReconcile.run();
      }
    }
  }

  /**
   * The inventory with {@code read} in place of the guest, if no poll moved the guest meanwhile
   * (then the poll's read rules) and its config did change; counted either way.
   */
  private static InventoryState adopt(InventoryState inv, Guest known, Guest read) {
    InventorySnapshot snap = inv.snapshot();
    Guest current = guest(snap.inventory(), read.vmid());
    if (current == null || !sameState(current, known) || current.equals(read)) {
      return inv.refreshed(null);
    }
    List<Guest> guests = new ArrayList<>(snap.inventory().guests());
    guests.replaceAll(g -> g.vmid().equals(read.vmid()) ? read : g);
    return inv.refreshed(
        new InventorySnapshot(
            new Inventory(snap.inventory().nodes(), guests).sorted(),
            snap.migrations(),
            snap.requests()));
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
