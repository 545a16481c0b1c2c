package io.pvespan.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a real asynchronous effect (a process listening, an agent converging) by polling with a
 * deadline. Never used to let time pass: a condition that holds at once returns at once.
 */
public final class Await {
  private static final long POLL_MILLIS = 50;

  private Await() {}

  /** Polls until {@code condition} holds; false when {@code timeout} passed first. */
  public static boolean until(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** Like {@link #until} but throws {@link LabException} with {@code why.get()} on timeout. */
  public static void orFail(Duration timeout, BooleanSupplier condition, Supplier<String> why) {
    if (!until(timeout, condition)) {
      throw new LabException("timed out after " + timeout + ": " + why.get());
    }
  }

  /** How long {@code condition} took to hold, or null when it did not within {@code timeout}. */
  public static Duration timed(Duration timeout, BooleanSupplier condition) {
    long start = System.nanoTime();
    return until(timeout, condition) ? Duration.ofNanos(System.nanoTime() - start) : null;
  }
}
