package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.LabLifecycle;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.MirrorMeter;
import io.pvespan.lab.SensorLedger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Assertions the E2E tests share: mirrors in the kernel by a deadline, bytes at the sensor. */
final class E2EAsserts {
  /** Generous for the first convergence: five JVMs just started on shared cores. */
  static final Duration FIRST_CONVERGE = Duration.ofSeconds(30);

  static final long BYTES = 3_000_000;

  private E2EAsserts() {}

  /** Sources mirrored in both directions (what every E2E session mirrors). */
  static List<SensorLedger.Source> both(LabLifecycle.NicRef... nics) {
    return java.util.Arrays.stream(nics).map(SensorLedger.Source::both).toList();
  }

  /** Every mirror in {@code planned} is in the kernel within {@code timeout}. */
  static void mirrorsWithin(LabSystem s, List<LabPlan.Placed> planned, Duration timeout) {
    assertThat(planned).as("planned mirrors").isNotEmpty();
    boolean done = Await.until(timeout, () -> KernelChecks.missing(s.lab, planned).isEmpty());
    assertThat(KernelChecks.missing(s.lab, planned))
        .as("mirrors not in the kernel after %s (in time: %s)", timeout, done)
        .isEmpty();
    assertThat(done).as("all mirrors in place within " + timeout).isTrue();
  }

  /** The first convergence after start: the whole plan is in the kernel. */
  static void converged(LabSystem s) {
    mirrorsWithin(s, s.plan().activeMirrors(), FIRST_CONVERGE);
  }

  /** Sends traffic and checks every sensor got what the plan says, within 1%. */
  static void bytesAtSensor(LabSystem s, int client, int server) {
    Map<String, MirrorMeter.Reading> readings =
        MirrorMeter.transfer(s.lab, s.plan().countableMirrors(), client, server, BYTES);
    assertThat(readings).as("sensor readings").isNotEmpty();
    for (MirrorMeter.Reading r : readings.values()) {
      assertThat(r.expected())
          .as("bytes the plan mirrors to " + r.sensorDevice())
          .isGreaterThan(100_000);
      assertThat(r.error())
          .as("sensor %s: expected %d bytes, seen %d", r.sensorDevice(), r.expected(), r.seen())
          .isLessThan(0.01);
    }
  }
}
