package io.pvespan.controller.ha;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz's clustered JDBC job store on PostgreSQL, holding one job: {@link LeaderJob}. Every
 * controller runs this scheduler under the same cluster name; Quartz runs the job on one of them,
 * and when that one stops checking in, recovers it onto another ({@link FailoverJobStore}, {@link
 * FailoverTiming}). The job runs the local {@link Campaign}, which turns "the job runs here" into a
 * lease with an epoch in the database. {@link #close()} ends the job and releases the lease, so a
 * clean stop hands over at once (Quartz fires the job on another controller: 0.6–1.2 s measured).
 */
public final class ClusteredLeadership implements AutoCloseable {
  /** Quartz's scheduler name ({@code sched_name}): the same on every controller of a cluster. */
  public static final String CLUSTER = "pvespan-controllers";

  static final JobKey LEADER = JobKey.jobKey("leader", "pvespan");

  private final Scheduler scheduler;
  private final Campaign campaign;

  private ClusteredLeadership(Scheduler scheduler, Campaign campaign) {
    this.scheduler = scheduler;
    this.campaign = campaign;
  }

  /**
   * Joins the cluster: the scheduler starts and this controller becomes a candidate when Quartz
   * fires the leader job here.
   */
  public static ClusteredLeadership start(
      DataSource db,
      String instanceId,
      FailoverTiming timing,
      Campaign campaign,
      Campaign.Listener listener)
      throws SchedulerException {
    String dataSource = "pvespan-" + instanceId;
    DBConnectionManager.getInstance().addConnectionProvider(dataSource, provider(db));
    Scheduler scheduler =
        new StdSchedulerFactory(properties(instanceId, dataSource, timing)).getScheduler();
    scheduler
        .getContext()
        .put(LeaderJob.CANDIDATE, (LeaderJob.Candidate) () -> campaign.run(listener));
    ensureLeaderJob(scheduler, timing);
    scheduler.start();
    return new ClusteredLeadership(scheduler, campaign);
  }

  static Properties properties(String instanceId, String dataSource, FailoverTiming timing) {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", CLUSTER);
    p.setProperty("org.quartz.scheduler.instanceId", instanceId);
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    // A recovery wakes the scheduler thread at once; this bounds its sleep otherwise (Quartz's
    // minimum: 1 s).
    p.setProperty(
        "org.quartz.scheduler.idleWaitTime",
        String.valueOf(Math.max(1000, timing.quartzCheckInMillis())));
    // The leader's run and one waiting candidate; a third firing waits for a thread.
    p.setProperty("org.quartz.threadPool.threadCount", "2");
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.jobStore.class", FailoverJobStore.class.getName());
    p.setProperty("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
    p.setProperty("org.quartz.jobStore.dataSource", dataSource);
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty(
        "org.quartz.jobStore.clusterCheckinInterval", String.valueOf(timing.quartzCheckInMillis()));
    p.setProperty(
        "org.quartz.jobStore.misfireThreshold", String.valueOf(timing.checkIn().toMillis()));
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    return p;
  }

  /**
   * The leader job and its trigger (every check-in interval, so a job that ended is fired again
   * soon), stored once for the whole cluster; a controller starting at the same moment as another
   * finds them stored.
   */
  private static void ensureLeaderJob(Scheduler scheduler, FailoverTiming timing)
      throws SchedulerException {
    if (scheduler.checkExists(LEADER)) {
      return;
    }
    JobDetail job =
        JobBuilder.newJob(LeaderJob.class)
            .withIdentity(LEADER)
            .storeDurably()
            .requestRecovery()
            .build();
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity("leader", "pvespan")
            .forJob(LEADER)
            .startNow()
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule()
                    .withIntervalInMilliseconds(timing.checkIn().toMillis())
                    .repeatForever()
                    .withMisfireHandlingInstructionNowWithExistingCount())
            .build();
    try {
      scheduler.scheduleJob(job, trigger);
    } catch (ObjectAlreadyExistsException e) {
      // another controller stored it first
    }
  }

  private static ConnectionProvider provider(DataSource db) {
    return new ConnectionProvider() {
      @Override
      public Connection getConnection() throws SQLException {
        return db.getConnection();
      }

      @Override
      public void shutdown() {
        // the pool is HaDatabase's
      }

      @Override
      public void initialize() {
        // nothing
      }
    };
  }

  public boolean leading() {
    return campaign.lease() != null;
  }

  /** Ends a term (releasing the lease) and leaves the cluster. */
  @Override
  public void close() {
    campaign.stop();
    try {
      scheduler.interrupt(LEADER);
    } catch (SchedulerException e) {
      // not running here
    }
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      // shutting down anyway
    }
  }
}
