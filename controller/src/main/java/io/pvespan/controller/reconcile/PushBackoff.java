package io.pvespan.controller.reconcile;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The wait between failed pushes to one agent, by resilience4j's {@link IntervalFunction}:
 * exponential (x2) from {@code initial} up to {@code max}, with jitter in production so that agents
 * that failed together (a switch reboot) are not retried in lockstep.
 */
public final class PushBackoff {
  /** 1 s, 2 s, 4 s ... up to 60 s, each +-25 %. */
  public static final PushBackoff DEFAULT =
      new PushBackoff(
          IntervalFunction.ofExponentialRandomBackoff(
              Duration.ofSeconds(1), 2.0, 0.25, Duration.ofSeconds(60)));

  private final IntervalFunction intervals;

  private PushBackoff(IntervalFunction intervals) {
    this.intervals = intervals;
  }

  /** Without jitter: {@code initial}, 2x, 4x, ... up to {@code max} (tests, benchmarks). */
  public static PushBackoff exponential(Duration initial, Duration max) {
    return new PushBackoff(IntervalFunction.ofExponentialBackoff(initial, 2.0, max));
  }

  /** The wait after the {@code failures}-th consecutive failure (1-based). */
  public Duration after(int failures) {
    // resilience4j counts attempts from 1; cap the exponent well before a double overflows
    return Duration.ofMillis(intervals.apply(Math.max(1, Math.min(failures, 64))));
  }
}
