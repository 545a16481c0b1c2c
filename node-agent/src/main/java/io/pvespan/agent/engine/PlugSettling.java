package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import io.pvespan.status.GuestDevice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When the agent may <em>create</em> a qdisc on a guest device without racing Proxmox's plug.
 *
 * <p>Proxmox's {@code tap_rate_limit} (pve-common {@code src/PVE/Network.pm}, {@code
 * setup_tc_rate_limit}) deletes the device's class, prio-50 filter, {@code ingress} and {@code
 * root} qdiscs and then, for a NIC with {@code rate=}, adds {@code root handle 1: htb}, its class
 * and {@code handle ffff: ingress}: one {@code tc} process per command, a few ms apart. A qdisc the
 * agent creates in that gap makes Proxmox's next {@code add} fail ("Exclusivity flag on"), which
 * fails the VM start, NIC hotplug or live edit. So after any kernel event on a device (a tap
 * appearing, its link changing, a qdisc, class or filter added or deleted) the device is
 * <em>settling</em>: the agent may attach filters to qdiscs that exist (Proxmox's own {@code 1:}
 * htb and {@code ffff:} ingress included), but creates none until the device has been quiet for
 * {@code quiet}; {@code quietRateLimited} for a NIC the plan says has {@code rate=} (Proxmox adds
 * the qdiscs itself, so waiting longer costs nothing and protects a slow plug on a busy host); and
 * {@code quietNew} for a device that appeared in the last {@link #NEW_DEVICE_PERIOD}: on a fresh
 * tap Proxmox's four deletes find nothing to delete, so they make no kernel event, and the gap
 * between the last event we see (the tap joining its bridge) and Proxmox's first {@code add} is
 * four processes long, not one (measured: 34 of 200 hotplugs failed at load 14 with one short
 * period).
 *
 * <p>Events are recorded before the converge they trigger is queued, so a converge never sees a
 * device as quiet while an event about it waits unread. Thread-safe; time is injected.
 */
public final class PlugSettling {
  /** Defaults: 20x the measured gap between two of Proxmox's tc processes on a busy 2-core host. */
  public static final Duration DEFAULT_QUIET = Duration.ofMillis(250);

  public static final Duration DEFAULT_QUIET_NEW = Duration.ofSeconds(1);

  public static final Duration DEFAULT_QUIET_RATE_LIMITED = Duration.ofSeconds(2);

  /** A device (ifindex) first seen less than this ago is new: its plug may still be running. */
  public static final Duration NEW_DEVICE_PERIOD = Duration.ofSeconds(5);

  private final Clock clock;
  private final Duration quiet;
  private final Duration quietNew;
  private final Duration quietRateLimited;
  private final Map<InterfaceName, Instant> lastEvent = new HashMap<>();
  private final Map<InterfaceName, Integer> ifindex = new HashMap<>();
  private final Map<InterfaceName, Instant> newSince = new HashMap<>();
  private boolean baseline;

  /** The defaults: {@link #DEFAULT_QUIET}, {@link #DEFAULT_QUIET_NEW}, rate-limited 2 s. */
  public static PlugSettling defaults(Clock clock) {
    return new PlugSettling(clock, DEFAULT_QUIET, DEFAULT_QUIET_NEW, DEFAULT_QUIET_RATE_LIMITED);
  }

  public PlugSettling(Clock clock, Duration quiet, Duration quietRateLimited) {
    this(clock, quiet, quiet, quietRateLimited);
  }

  public PlugSettling(Clock clock, Duration quiet, Duration quietNew, Duration quietRateLimited) {
    if (quiet.isNegative()
        || quietNew.compareTo(quiet) < 0
        || quietRateLimited.compareTo(quiet) < 0) {
      throw new IllegalArgumentException(
          "quiet periods must be >= 0 and the rate-limited one >= the plain one: "
              + quiet
              + ", "
              + quietRateLimited);
    }
    this.clock = clock;
    this.quiet = quiet;
    this.quietNew = quietNew;
    this.quietRateLimited = quietRateLimited;
  }

  /**
   * The guest devices a full observation found: a name with an ifindex not seen before is a new
   * device (Proxmox may still be plugging it). The first call is the baseline: devices present when
   * the agent starts are not new.
   */
  public synchronized void seen(List<GuestDevice> devices) {
    Instant now = clock.instant();
    Map<InterfaceName, Integer> current = new HashMap<>();
    for (GuestDevice d : devices) {
      current.put(d.device(), d.ifindex());
      Integer before = ifindex.get(d.device());
      if (baseline && (before == null || before != d.ifindex())) {
        newSince.put(d.device(), now);
      }
    }
    ifindex.clear();
    ifindex.putAll(current);
    newSince.keySet().retainAll(current.keySet());
    newSince.values().removeIf(t -> !t.plus(NEW_DEVICE_PERIOD).isAfter(now));
    baseline = true;
  }

  private Duration quietFor(InterfaceName d, Set<InterfaceName> rateLimited, Instant now) {
    if (rateLimited.contains(d)) {
      return quietRateLimited;
    }
    Instant since = newSince.get(d);
    return since != null && since.plus(NEW_DEVICE_PERIOD).isAfter(now) ? quietNew : quiet;
  }

  /** A kernel event named {@code device} (our own writes included: they only delay creation). */
  public synchronized void touched(InterfaceName device) {
    lastEvent.put(device, clock.instant());
  }

  /**
   * The devices on which no qdisc may be created now. {@code rateLimited}: the plan's devices whose
   * NIC has {@code rate=}. Forgets devices quiet for longer than the longer period.
   */
  public synchronized Set<InterfaceName> holds(Set<InterfaceName> rateLimited) {
    Instant now = clock.instant();
    Set<InterfaceName> held = new TreeSet<>();
    lastEvent.entrySet().removeIf(e -> !e.getValue().plus(quietRateLimited).isAfter(now));
    for (Map.Entry<InterfaceName, Instant> e : lastEvent.entrySet()) {
      Duration q = quietFor(e.getKey(), rateLimited, now);
      if (e.getValue().plus(q).isAfter(now)) {
        held.add(e.getKey());
      }
    }
    return held;
  }

  /** When the earliest held device becomes free, if any is held now. */
  public synchronized Optional<Instant> nextRelease(Set<InterfaceName> rateLimited) {
    Instant now = clock.instant();
    Instant next = null;
    for (Map.Entry<InterfaceName, Instant> e : lastEvent.entrySet()) {
      Duration q = quietFor(e.getKey(), rateLimited, now);
      Instant free = e.getValue().plus(q);
      if (free.isAfter(now) && (next == null || free.isBefore(next))) {
        next = free;
      }
    }
    return Optional.ofNullable(next);
  }

  public Duration quiet() {
    return quiet;
  }
}
