package io.pvespan.controller.ha;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The one clustered job: while it runs on a controller, that controller campaigns and leads ({@link
 * Campaign}). Not concurrent, so the cluster runs it once while it runs; durable and requesting
 * recovery, so when its controller dies, Quartz fires it on another within the failure threshold.
 * The {@link Campaign} comes from this scheduler's (local, unstored) context.
 */
@DisallowConcurrentExecution
public final class LeaderJob implements InterruptableJob {
  static final String CANDIDATE = "pvespan.candidate";

  /** What the job runs: the local campaign with its listener. */
  @FunctionalInterface
  interface Candidate {
    void run() throws InterruptedException;
  }

  private volatile Thread runner;

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    Candidate candidate;
    try {
      candidate = (Candidate) context.getScheduler().getContext().get(CANDIDATE);
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    runner = Thread.currentThread();
    try {
      candidate.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down
    } finally {
      runner = null;
    }
  }

  @Override
  public void interrupt() {
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }
}
