package io.pvespan.controller.inventory;

import io.pvespan.controller.devices.DeviceAction;
import io.pvespan.controller.devices.GuestDeviceWatch;
import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.StateStore;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.VmId;
import io.pvespan.status.GuestDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inventory reads between polls, asked for by the guest devices agents report ({@link
 * GuestDeviceWatch}): single guest configs, and polls of {@code /cluster/resources}. They run on
 * the I/O executor, never on a status read's thread, so no agent's status waits for Proxmox. Config
 * reads are de-duplicated per guest and run one at a time; polls are coalesced (any number of
 * requests while one is pending or running make one more) and start at most once per {@link
 * #MIN_POLL_SPACING}: a poll asked for sooner starts at the first {@link #tick()} after it.
 */
public final class InventoryDemand {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryDemand.class);

  /** pveproxy has three workers and no rate limit: bursts of reports must not become bursts. */
  static final Duration MIN_POLL_SPACING = Duration.ofSeconds(1);

  private final StateStore store;
  private final InventoryPoller poller;
  private final Executor io;
  private final GuestDeviceWatch watch = new GuestDeviceWatch();

  private final Set<VmId> configsWanted = new LinkedHashSet<>();
  private boolean configsRunning;
  private boolean pollWanted;
  private boolean pollRunning;
  private Instant lastPollStart = Instant.MIN;

  public InventoryDemand(StateStore store, InventoryPoller poller, Executor io) {
    this.store = store;
    this.poller = poller;
    this.io = io;
  }

  /**
   * An agent's report of the guest devices on its node. Ignored until there are both an inventory
   * and valid specs (nothing could be mirrored yet, and the first poll reads everything anyway).
   */
  public void devicesReported(String node, List<GuestDevice> devices) {
    ControllerState s = store.get();
    Inventory inventory = s.inventory().inventory();
    Predicate<Guest> interest = s.specs().interest();
    if (inventory == null || interest == null) {
      return;
    }
    List<DeviceAction> actions = watch.observe(node, devices, inventory, interest);
    if (actions.isEmpty()) {
      return;
    }
    synchronized (this) {
      for (DeviceAction a : actions) {
        if (a instanceof DeviceAction.ReadConfig r) {
          LOG.info("{} on {}: {}; reading guest {}'s config", r.device(), node, r.why(), r.vmid());
          configsWanted.add(r.vmid());
        } else if (a instanceof DeviceAction.PollCluster p) {
          LOG.info("{} on {}: {}; polling the cluster", p.device(), node, p.why());
          pollWanted = true;
        }
      }
      dispatch();
    }
  }

  /** Starts a poll held back by the spacing, when it is due. Cheap; call it every second or so. */
  public synchronized void tick() {
    dispatch();
  }

  /** Only under this object's lock. */
  private void dispatch() {
    Instant now = store.clock().instant();
    if (pollWanted && !pollRunning && !now.isBefore(lastPollStart.plus(MIN_POLL_SPACING))) {
      pollWanted = false;
      pollRunning = true;
      lastPollStart = now;
      run(this::poll, () -> pollRunning = false);
    }
    if (!configsWanted.isEmpty() && !configsRunning) {
      configsRunning = true;
      run(this::drainConfigs, () -> configsRunning = false);
    }
  }

  private void run(Runnable task, Runnable undo) {
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      undo.run(); // shutting down
    }
  }

  private void poll() {
    try {
      poller.poll();
    } finally {
      synchronized (this) {
        pollRunning = false;
      }
    }
  }

  private void drainConfigs() {
    while (true) {
      VmId next;
      synchronized (this) {
        Iterator<VmId> it = configsWanted.iterator();
        if (!it.hasNext()) {
          configsRunning = false;
          return;
        }
        next = it.next();
        it.remove();
      }
      try {
        poller.refresh(next);
      } catch (RuntimeException e) {
        LOG.warn("refreshing guest {} failed: {}", next, e.toString());
      }
    }
  }
}
