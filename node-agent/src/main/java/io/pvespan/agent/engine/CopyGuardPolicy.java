package io.pvespan.agent.engine;

/**
 * The copy guard's decision for one budgeted conditioner pair, a pure function: from the guard
 * factor G in force (the guest devices' filters clone 1/G of what they match) and the rate of
 * copies that entered the pair over the last interval, the next G. Offered = clones × G.
 *
 * <p>G rises at once when the clones exceed twice the budget and falls only when they drop below a
 * quarter of it; in between it stays (hysteresis: a steady stream does not re-write the guests'
 * filters every interval). A change picks the largest power of two that still leaves the clones at
 * or above the budget (between 1× and 2× of it), so the tbf keeps the exact cap and the sensor
 * still gets its whole budget, and the next reading lands inside the band.
 */
final class CopyGuardPolicy {
  /**
   * The largest factor: 1/65536 of the frames, beyond any rate a node carries for a 64 kbit budget.
   */
  static final int MAX = 65_536;

  /** Clones above this many budgets raise G. */
  static final double RAISE_ABOVE = 2.0;

  /** Clones below this fraction of the budget lower G. */
  static final double LOWER_BELOW = 0.25;

  private CopyGuardPolicy() {}

  /**
   * @param factor G in force, a power of two in 1..{@link #MAX}
   * @param clonedBitsPerSecond copies that entered the pair, bits per second over the interval
   * @param budgetBitsPerSecond the session's budget
   * @return the next G, a power of two in 1..{@link #MAX}
   */
  static int next(int factor, double clonedBitsPerSecond, long budgetBitsPerSecond) {
    if (factor < 1 || factor > MAX || Integer.bitCount(factor) != 1) {
      throw new IllegalArgumentException("guard factor " + factor + " is not a power of two");
    }
    if (budgetBitsPerSecond <= 0 || clonedBitsPerSecond < 0) {
      throw new IllegalArgumentException("negative rate or no budget");
    }
    if (clonedBitsPerSecond > RAISE_ABOVE * budgetBitsPerSecond
        || clonedBitsPerSecond < LOWER_BELOW * budgetBitsPerSecond) {
      return fit(clonedBitsPerSecond * factor, budgetBitsPerSecond);
    }
    return factor;
  }

  /** The largest power of two G (1..MAX) with offered / G at or above the budget (1 when below). */
  static int fit(double offeredBitsPerSecond, long budgetBitsPerSecond) {
    int g = 1;
    while (g < MAX && offeredBitsPerSecond / (2.0 * g) >= budgetBitsPerSecond) {
      g *= 2;
    }
    return g;
  }
}
