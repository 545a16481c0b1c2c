package io.pvespan.controller.ha;

import java.time.Duration;

/**
 * The clock of a failover, from the configured check-in interval {@code I}: each controller checks
 * in with the cluster four times per interval (Quartz's {@code clusterCheckinInterval} = I/4, and
 * the cluster manager looks for dead instances at each check-in); a controller that has not checked
 * in for {@link #failedAfter()} = I (four check-ins missed in a row) is dead; a candidate and the
 * leader look at the lease every I/4. A killed leader is so replaced within I + I/4 (the survivor's
 * next check-in) + the time Quartz takes to fire the recovered job, which leaves the new leader
 * more than half an interval to push within 2 I. Quartz's own rule is silence for I + 7.5 s, far
 * above 2 I for a check-in of seconds: see {@link FailoverJobStore}.
 */
public record FailoverTiming(Duration checkIn) {
  public FailoverTiming {
    if (checkIn.toMillis() < 400) {
      throw new IllegalArgumentException("check-in interval " + checkIn + " < 400 ms");
    }
  }

  /** Quartz's {@code clusterCheckinInterval}. */
  public long quartzCheckInMillis() {
    return checkIn.toMillis() / 4;
  }

  /** Silence after which a controller is dead. */
  public long failedAfterMillis() {
    return checkIn.toMillis();
  }

  public Duration failedAfter() {
    return Duration.ofMillis(failedAfterMillis());
  }

  /** How often a candidate tries the lease and the leader confirms it. */
  public long leasePollMillis() {
    return checkIn.toMillis() / 4;
  }
}
