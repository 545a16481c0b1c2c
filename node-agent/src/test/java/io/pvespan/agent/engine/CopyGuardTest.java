package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.Bandwidth;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The copy guard's loop over fake tbf counters and an injected clock: no kernel, no sleep. */
class CopyGuardTest {
  private static final Conditioner BUDGET = new Conditioner(null, Bandwidth.parse("10Mbit"), null);
  private static final Conditioner CUT = new Conditioner(128, Bandwidth.parse("10Mbit"), null);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

  /** The mirred counters (bytes, packets) of tap101i0's filter into each pair. */
  private final Map<InterfaceName, long[]> kernel = new HashMap<>();

  private final AtomicReference<NodeMirrorPlan> plan = new AtomicReference<>();
  private final AtomicInteger converges = new AtomicInteger();
  private final CopyGuard guard =
      new CopyGuard(
          () -> Optional.ofNullable(plan.get()),
          this::observed,
          converges::incrementAndGet,
          clock,
          Duration.ofSeconds(1));

  /** tap101i0's filters into each pair, with the counters in {@link #kernel}. */
  private List<ObservedFilter> observed(java.util.Set<InterfaceName> devices) {
    assertThat(devices).containsExactly(InterfaceName.of("tap101i0"));
    return kernel.entrySet().stream()
        .map(
            e ->
                new ObservedFilter(
                    InterfaceName.of("tap101i0"),
                    TcSide.INGRESS,
                    7,
                    "u32",
                    OwnershipCookie.of("mirror", "x"),
                    e.getKey().value(),
                    "mirror",
                    "continue",
                    e.getValue()[0],
                    e.getValue()[1]))
        .toList();
  }

  private static NodeMirrorPlan planWith(Conditioner c) {
    return plan(1, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0")).conditioned(c)));
  }

  private static ConditionerPair pair(Conditioner c) {
    return ConditionerPair.of("s1", c, local("tap900i0"), List.of());
  }

  /** {@code mbit} Mbit/s cloned into the pair over one second (1,000-byte frames). */
  private void offer(InterfaceName in, double mbit) {
    long[] c = kernel.getOrDefault(in, new long[2]);
    long frames = Math.round(mbit * 1e6 / 8 / 1000);
    kernel.put(in, new long[] {c[0] + frames * 1000, c[1] + frames});
    clock.advance(Duration.ofSeconds(1));
  }

  @Test
  void startsAtOneRaisesAtOnceHoldsThenLowers() {
    plan.set(planWith(BUDGET));
    ConditionerPair p = pair(BUDGET);
    InterfaceName in = p.in();
    assertThat(p.shaped()).isEqualTo(in);
    assertThat(guard.factor(in)).as("G=1 before any reading").isEqualTo(1);
    assertThat(guard.tick()).as("no filter into the pair yet: nothing to read").isFalse();
    offer(in, 0);
    assertThat(guard.tick()).as("the first reading only sets the baseline").isFalse();

    offer(in, 2000);
    assertThat(guard.tick()).isTrue();
    assertThat(guard.factor(in)).isEqualTo(128);
    assertThat(converges).hasValue(1);
    assertThat(guard.samplesBySession()).containsExactlyEntriesOf(Map.of("s1", 128));

    // The interval of the change only re-reads (part of it was cloned at the old G).
    offer(in, 900);
    assertThat(guard.tick()).isFalse();
    // 2000 Mbit/s offered, 1/128 cloned: 15.6 Mbit/s of clones, inside the band, for many seconds.
    for (int s = 0; s < 10; s++) {
      offer(in, 2000.0 / 128);
      assertThat(guard.tick()).isFalse();
    }
    assertThat(guard.factor(in)).isEqualTo(128);

    // Production falls to 64 Mbit/s: 0.5 Mbit/s of clones, well below the budget: G falls.
    offer(in, 64.0 / 128);
    assertThat(guard.tick()).isTrue();
    assertThat(guard.factor(in)).isEqualTo(4);
    assertThat(converges).hasValue(2);

    // Nothing offered any more: back to 1 (after the settling interval).
    offer(in, 0);
    guard.tick();
    offer(in, 0);
    assertThat(guard.tick()).isTrue();
    assertThat(guard.factor(in)).isEqualTo(1);
  }

  @Test
  void aGuestSwitchingItsTrafficOnAndOffCannotMakeTheGuardRewriteTheFiltersEveryFewSeconds() {
    plan.set(planWith(BUDGET));
    InterfaceName in = pair(BUDGET).in();
    offer(in, 0);
    guard.tick();
    offer(in, 2000);
    assertThat(guard.tick()).as("burst: raised").isTrue();
    offer(in, 0);
    guard.tick(); // settling
    offer(in, 0);
    assertThat(guard.tick()).as("quiet: lowered at once").isTrue();
    assertThat(guard.factor(in)).isEqualTo(1);
    // Bursts again within the dwell: cloned as without a guard (the tbf caps), no rewrite.
    for (int s = 0; s < CopyGuard.RAISE_DWELL - 1; s++) {
      offer(in, 2000);
      assertThat(guard.tick()).as("second %d after lowering", s + 1).isFalse();
    }
    offer(in, 2000);
    assertThat(guard.tick()).as("after the dwell: raised again").isTrue();
    assertThat(converges).as("rewrites in 13 s").hasValue(3);
  }

  @Test
  void aFewLargeCopiesDecideNothing() {
    plan.set(planWith(BUDGET));
    InterfaceName in = pair(BUDGET).in();
    offer(in, 0);
    guard.tick();
    // 31 GSO frames of 64 KiB in a second: 16 Mbit/s, over the budget, but too few to judge.
    kernel.put(in, new long[] {31 * 65536L, 31});
    clock.advance(Duration.ofSeconds(1));
    assertThat(guard.tick()).isFalse();
    assertThat(guard.factor(in)).isEqualTo(1);
  }

  @Test
  void threeFailedReadingsInARowPutEveryGBackToOne() {
    AtomicReference<Boolean> fail = new AtomicReference<>(false);
    CopyGuard g =
        new CopyGuard(
            () -> Optional.ofNullable(plan.get()),
            devices -> {
              if (fail.get()) {
                throw new IllegalStateException("tc: no answer");
              }
              return observed(devices);
            },
            converges::incrementAndGet,
            clock,
            Duration.ofSeconds(1));
    plan.set(planWith(BUDGET));
    InterfaceName in = pair(BUDGET).in();
    offer(in, 0);
    g.tick();
    offer(in, 2000);
    assertThat(g.tick()).isTrue();
    assertThat(g.factor(in)).isEqualTo(128);
    fail.set(true);
    assertThat(g.tick()).isFalse();
    assertThat(g.tick()).isFalse();
    assertThat(g.tick()).as("third failed reading").isTrue();
    assertThat(g.factor(in)).isEqualTo(1);
    assertThat(converges).hasValue(2);
  }

  @Test
  void withASnaplenTheBudgetCountsTheCutCopies() {
    plan.set(planWith(CUT));
    ConditionerPair p = pair(CUT);
    assertThat(p.shaped()).isEqualTo(p.out());
    offer(p.in(), 0);
    guard.tick();
    // 2000 Mbit/s of 1,000-byte frames cloned: the budget's tbf sees 128 bytes of each (256
    // Mbit/s), so 1/16 of them leaves the cut copies between 1x and 2x the budget.
    offer(p.in(), 2000);
    assertThat(guard.tick()).isTrue();
    assertThat(guard.factor(p.in())).isEqualTo(16);
  }

  @Test
  void aPairLeavingThePlanOrARecreatedFilterStartsAgain() {
    plan.set(planWith(BUDGET));
    InterfaceName in = pair(BUDGET).in();
    offer(in, 0);
    guard.tick();
    offer(in, 2000);
    guard.tick();
    assertThat(guard.factor(in)).isEqualTo(128);

    // A re-created filter: its counters start at 0, no decision on that interval.
    kernel.remove(in);
    offer(in, 10);
    assertThat(guard.tick()).isFalse();
    assertThat(guard.factor(in)).isEqualTo(128);

    plan.set(plan(2, List.of()));
    assertThat(guard.tick()).isFalse();
    assertThat(guard.factor(in)).isEqualTo(1);
    assertThat(guard.samplesBySession()).isEmpty();
  }

  @Test
  void sessionsWithoutABudgetAreNotGuarded() {
    Conditioner cutOnly = new Conditioner(128, null, null);
    plan.set(planWith(cutOnly));
    assertThat(guard.tick()).isFalse();
    assertThat(guard.samplesBySession()).isEmpty();
    assertThat(CopyGuard.budgeted(plan.get())).isEmpty();
  }
}
