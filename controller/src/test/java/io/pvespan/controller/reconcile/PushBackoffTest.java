package io.pvespan.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PushBackoffTest {
  @Test
  void backoffDoublesUpToItsCeiling() {
    PushBackoff b = PushBackoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60));
    assertThat(b.after(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.after(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.after(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.after(1000)).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theDefaultJittersAroundTheSameCurveAndNeverPastItsCeilingByMoreThanTheJitter() {
    for (int i = 0; i < 200; i++) {
      assertThat(PushBackoff.DEFAULT.after(1)).isBetween(ms(750), ms(1250));
      assertThat(PushBackoff.DEFAULT.after(3)).isBetween(ms(3000), ms(5000));
      assertThat(PushBackoff.DEFAULT.after(100)).isBetween(ms(45_000), ms(75_000));
    }
    // two agents that failed together are not retried in lockstep
    assertThat(
            java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> PushBackoff.DEFAULT.after(5))
                .distinct()
                .count())
        .isGreaterThan(1);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
