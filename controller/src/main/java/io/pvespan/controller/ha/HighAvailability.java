package io.pvespan.controller.ha;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.reconcile.GenerationLedger;
import org.quartz.SchedulerException;

/**
 * A controller's membership in a cluster of controllers ({@code ha:}), as the daemon sees it: the
 * database, the generations it issues, whether this controller leads, and joining (a campaign run
 * by Quartz's clustered job). {@link #close()} hands the lease over and disconnects.
 */
public final class HighAvailability implements AutoCloseable {
  private final ControllerConfig.Ha config;
  private final HaDatabase db;
  private final FailoverTiming timing;
  private final Campaign campaign;
  private final GenerationLedger ledger;
  private ClusteredLeadership leadership;

  private HighAvailability(ControllerConfig.Ha config, HaDatabase db) {
    this.config = config;
    this.db = db;
    this.timing = new FailoverTiming(config.checkIn());
    this.campaign =
        new Campaign(
            new LeaseTable(db.dataSource(), ClusteredLeadership.CLUSTER),
            config.instanceId(),
            timing);
    this.ledger = new PostgresGenerationLedger(db.dataSource(), campaign::lease);
  }

  /**
   * Connects to the database and creates the tables that are missing; does not join yet.
   *
   * @throws IllegalStateException with a one-line reason when the database cannot be used
   */
  public static HighAvailability open(ControllerConfig.Ha config) {
    return new HighAvailability(config, HaDatabase.open(config));
  }

  /** Generations issued by the database under this controller's lease. */
  public GenerationLedger ledger() {
    return ledger;
  }

  public boolean leading() {
    return campaign.lease() != null;
  }

  /** Joins the cluster: {@code listener} hears when this controller is elected and if it loses. */
  public synchronized void join(Campaign.Listener listener) throws SchedulerException {
    if (leadership == null) {
      leadership =
          ClusteredLeadership.start(
              db.dataSource(), config.instanceId(), timing, campaign, listener);
    }
  }

  @Override
  public synchronized void close() {
    if (leadership != null) {
      leadership.close();
    }
    db.close();
  }
}
