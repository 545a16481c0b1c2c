package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * the qdiscs itself, so waiting longer costs nothing and protects a slow plug on a busy host).
 *
 * <p>Events are recorded before the converge they trigger is queued, so a converge never sees a
 * device as quiet while an event about it waits unread. Thread-safe; time is injected.
 */
public final class PlugSettling {
  /** Defaults: 20x the measured gap between two of Proxmox's tc processes on a busy 2-core host. */
  public static final Duration DEFAULT_QUIET = Duration.ofMillis(200);

  public static final Duration DEFAULT_QUIET_RATE_LIMITED = Duration.ofSeconds(2);

  private final Clock clock;
  private final Duration quiet;
  private final Duration quietRateLimited;
  private final Map<InterfaceName, Instant> lastEvent = new HashMap<>();

  public PlugSettling(Clock clock, Duration quiet, Duration quietRateLimited) {
    if (quiet.isNegative() || quietRateLimited.compareTo(quiet) < 0) {
      throw new IllegalArgumentException(
          "quiet periods must be >= 0 and the rate-limited one >= the plain one: "
              + quiet
              + ", "
              + quietRateLimited);
    }
    this.clock = clock;
    this.quiet = quiet;
    this.quietRateLimited = quietRateLimited;
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
      Duration q = rateLimited.contains(e.getKey()) ? quietRateLimited : quiet;
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
      Duration q = rateLimited.contains(e.getKey()) ? quietRateLimited : quiet;
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
