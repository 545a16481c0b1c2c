package io.pvespan.controller.ha;

import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's {@link JobStoreTX}, clustered, with one change: when an instance counts as failed.
 * Quartz's rule ({@code JobStoreSupport.calcFailedIfAfter}) is its last check-in + the larger of
 * its check-in interval and the time since this instance's own last check-in + a fixed 7,500 ms;
 * the fixed part keeps a takeover above 7.5 s whatever the interval. Here the fixed part is three
 * Quartz check-in intervals instead: with {@link FailoverTiming} (Quartz checks in every quarter of
 * the configured interval) a silence of the configured interval, four check-ins missed. Quartz's
 * own guard stays: when this instance itself checked in late (a pause, a slow database), it waits
 * that much longer before calling another one dead.
 */
public class FailoverJobStore extends JobStoreTX {
  @Override
  protected long calcFailedIfAfter(SchedulerStateRecord rec) {
    long interval = rec.getCheckinInterval();
    return rec.getCheckinTimestamp()
        + Math.max(interval, System.currentTimeMillis() - lastCheckin)
        + interval * 3;
  }
}
