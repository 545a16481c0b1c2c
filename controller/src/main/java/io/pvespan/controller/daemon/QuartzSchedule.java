package io.pvespan.controller.daemon;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The controller's clockwork on Quartz (RAMJobStore, a few threads): each job only calls a trigger,
 * which must be cheap and hand real work to the controller's own executors. A job never overlaps
 * itself ({@link DisallowConcurrentExecution}), so a slow Proxmox API makes polls late rather than
 * piling up.
 */
public final class QuartzSchedule implements AutoCloseable {
  private static final String TASK = "task";
  private final Scheduler scheduler;

  /** {@code task} every {@code interval}, starting now. */
  public record Every(String name, Duration interval, Runnable task) {}

  public QuartzSchedule(List<Every> jobs) throws SchedulerException {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "pvespan-controller");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.threadPool.threadCount", "3");
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    for (Every job : jobs) {
      every(job.name(), job.interval(), job.task());
    }
  }

  public void start() throws SchedulerException {
    scheduler.start();
  }

  /** Adds {@code jobs}, each starting now (a running schedule fires them at once). */
  public void add(List<Every> jobs) throws SchedulerException {
    for (Every job : jobs) {
      every(job.name(), job.interval(), job.task());
    }
  }

  private void every(String name, Duration interval, Runnable task) throws SchedulerException {
    JobDataMap data = new JobDataMap();
    data.put(TASK, task);
    scheduler.scheduleJob(
        JobBuilder.newJob(RunnableJob.class).withIdentity(name).usingJobData(data).build(),
        TriggerBuilder.newTrigger()
            .withIdentity(name)
            .startNow()
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule()
                    .withIntervalInMilliseconds(interval.toMillis())
                    .repeatForever()
                    .withMisfireHandlingInstructionNextWithRemainingCount())
            .build());
  }

  @Override
  public void close() throws SchedulerException {
    scheduler.shutdown(false);
  }

  /** Runs the {@link Runnable} in its data map; failures are logged, never kill the schedule. */
  @DisallowConcurrentExecution
  public static final class RunnableJob implements Job {
    private static final org.slf4j.Logger LOG =
        org.slf4j.LoggerFactory.getLogger(RunnableJob.class);

    @Override
    public void execute(JobExecutionContext context) {
      try {
        ((Runnable) context.getMergedJobDataMap().get(TASK)).run();
      } catch (RuntimeException e) {
        LOG.error("job {} failed: {}", context.getJobDetail().getKey().getName(), e.toString(), e);
      }
    }
  }
}
