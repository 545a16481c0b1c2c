package io.pvespan.controller.ha;

import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller's part in the election, run inside the clustered leader job: wait as a candidate
 * until the lease can be acquired (free, or its holder dead by Quartz's check-ins), then lead,
 * confirming the lease every poll, until it is lost (another controller acquired it: this one was
 * taken for dead) or this controller stops (the lease is released for the next one at once).
 * Several runs in one process (the leader job fired again after a failover) never take the lease
 * from each other: only a run that finds no lease in this process tries.
 */
public final class Campaign {
  private static final Logger LOG = LoggerFactory.getLogger(Campaign.class);

  /** What a term means to the controller. Called on the leader job's thread. */
  public interface Listener {
    void elected(Lease lease);

    /** Another controller holds the lease now; this one must stop pushing for good. */
    void lost(Lease lease, String why);
  }

  private final LeaseTable leases;
  private final String me;
  private final FailoverTiming timing;
  private volatile Lease held;
  private volatile boolean stopping;

  public Campaign(LeaseTable leases, String me, FailoverTiming timing) {
    this.leases = leases;
    this.me = me;
    this.timing = timing;
  }

  /** This controller's lease while it leads, else null. */
  public Lease lease() {
    return held;
  }

  /** Candidate, then leader; returns when leadership ends or {@link #stop()} was called. */
  public void run(Listener listener) throws InterruptedException {
    while (!stopping) {
      Lease won = tryAcquire();
      if (won != null) {
        LOG.info("{}: leading, epoch {}", me, won.epoch());
        try {
          listener.elected(won);
        } catch (RuntimeException e) {
          // This controller cannot lead (its schedule did not start): let another one.
          held = null;
          release(won);
          throw e;
        }
        lead(won, listener);
        return;
      }
      Thread.sleep(timing.leasePollMillis());
    }
  }

  private synchronized Lease tryAcquire() {
    if (held != null || stopping) {
      return null; // another run in this process leads
    }
    try {
      Optional<Lease> won =
          leases.tryAcquire(me, System.currentTimeMillis() - timing.failedAfterMillis());
      held = won.orElse(null);
      return held;
    } catch (SQLException e) {
      LOG.warn("{}: the lease cannot be read: {}", me, e.getMessage());
      return null;
    }
  }

  private void lead(Lease lease, Listener listener) throws InterruptedException {
    try {
      while (!stopping) {
        Thread.sleep(timing.leasePollMillis());
        Optional<Lease> now;
        try {
          now = leases.current();
        } catch (SQLException e) {
          // Pushes need a generation from the database: none happens until it answers again.
          LOG.warn("{}: the lease cannot be confirmed: {}", me, e.getMessage());
          continue;
        }
        if (!now.equals(Optional.of(lease))) {
          held = null;
          String why = now.map(l -> l.holder() + " leads with epoch " + l.epoch()).orElse("freed");
          LOG.error("{}: leadership (epoch {}) lost: {}", me, lease.epoch(), why);
          listener.lost(lease, why);
          return;
        }
      }
    } finally {
      if (held == lease) {
        held = null;
        release(lease);
      }
    }
  }

  private void release(Lease lease) {
    try {
      leases.release(lease);
      LOG.info("{}: lease released (epoch {})", me, lease.epoch());
    } catch (SQLException e) {
      LOG.warn("{}: the lease cannot be released, it expires: {}", me, e.getMessage());
    }
  }

  /** No new term; a running term ends (and releases the lease) at its next poll or interrupt. */
  public void stop() {
    stopping = true;
  }
}
