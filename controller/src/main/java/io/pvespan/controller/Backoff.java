package io.pvespan.controller;

import java.time.Duration;

/** Exponential backoff between failed pushes to one agent: initial, 2x, 4x, ... up to max. */
public record Backoff(Duration initial, Duration max) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  /** The wait after the {@code failures}-th consecutive failure (1-based). */
  public Duration after(int failures) {
    int shift = Math.max(0, Math.min(failures - 1, 30));
    Duration d = initial.multipliedBy(1L << shift);
    return d.compareTo(max) > 0 ? max : d;
  }
}
