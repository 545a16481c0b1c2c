package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The copy guard's decision: raise at once, lower only well below the budget, capped. */
class CopyGuardPolicyTest {
  private static final long BUDGET = 10_000_000L; // 10 Mbit/s
  private static final double MBIT = 1e6;

  @ParameterizedTest(name = "G {0}, clones {1} Mbit/s -> G {2}")
  @CsvSource({
    // Below twice the budget nothing changes at G=1 (the tbf drops the rest, cheaply enough).
    "1, 0, 1",
    "1, 10, 1",
    "1, 20, 1",
    // Above it G rises at once, to leave the clones between 1x and 2x the budget.
    "1, 20.1, 2",
    "1, 40, 4",
    "1, 2000, 128",
    "8, 300, 128",
    // Hysteresis: anywhere between a quarter of the budget and twice it, G stays.
    "128, 2.5, 128",
    "128, 5, 128",
    "128, 15.6, 128",
    "128, 20, 128",
    // Well below the budget G falls, to what the offered rate (clones x G) needs.
    "128, 2.4, 16",
    "128, 0.5, 4",
    "128, 0, 1",
    "2, 2, 1",
  })
  void nextFactor(int g, double clonesMbit, int expected) {
    assertThat(CopyGuardPolicy.next(g, clonesMbit * MBIT, BUDGET)).isEqualTo(expected);
  }

  @Test
  void aChangeLandsInsideTheBandSoASteadyStreamDoesNotFlip() {
    for (double offered = 1 * MBIT; offered < 100_000 * MBIT; offered *= 1.37) {
      int g = 1;
      for (int interval = 0; interval < 5; interval++) {
        int next = CopyGuardPolicy.next(g, offered / g, BUDGET);
        if (interval > 0) {
          assertThat(next)
              .as("offered %.0f Mbit/s, interval %d", offered / MBIT, interval)
              .isEqualTo(g);
        }
        g = next;
      }
      // The clones never fall below the budget while more than it is offered: the sensor still
      // gets its whole budget.
      if (g > 1) {
        assertThat(offered / g).isBetween((double) BUDGET, 2.0 * BUDGET);
      }
    }
  }

  @Test
  void theFactorIsCapped() {
    assertThat(CopyGuardPolicy.next(1, 1e15, BUDGET)).isEqualTo(CopyGuardPolicy.MAX);
    assertThat(CopyGuardPolicy.next(CopyGuardPolicy.MAX, 1e12, BUDGET))
        .isEqualTo(CopyGuardPolicy.MAX);
    assertThat(CopyGuardPolicy.fit(Double.MAX_VALUE, 64_000)).isEqualTo(CopyGuardPolicy.MAX);
  }

  @Test
  void onlyPowersOfTwoInRange() {
    assertThatThrownBy(() -> CopyGuardPolicy.next(3, 0, BUDGET))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CopyGuardPolicy.next(0, 0, BUDGET))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CopyGuardPolicy.next(CopyGuardPolicy.MAX * 2, 0, BUDGET))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
