package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.model.InterfaceName;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlugSettlingTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final InterfaceName TAP = InterfaceName.of("tap101i0");
  private static final InterfaceName RATED = InterfaceName.of("tap102i0");
  private final MutableClock clock = new MutableClock(T0);
  private final PlugSettling s =
      new PlugSettling(clock, Duration.ofMillis(200), Duration.ofSeconds(2));

  @Test
  void aDeviceNobodyTouchedIsNeverHeld() {
    assertThat(s.holds(Set.of())).isEmpty();
    assertThat(s.nextRelease(Set.of())).isEmpty();
  }

  @Test
  void everyEventRestartsTheQuietPeriod() {
    s.touched(TAP);
    clock.advance(Duration.ofMillis(150));
    assertThat(s.holds(Set.of())).containsExactly(TAP);
    s.touched(TAP); // Proxmox's next tc command, 150 ms later on a busy host
    clock.advance(Duration.ofMillis(150));
    assertThat(s.holds(Set.of())).containsExactly(TAP);
    assertThat(s.nextRelease(Set.of())).contains(T0.plusMillis(350));
    clock.advance(Duration.ofMillis(50));
    assertThat(s.holds(Set.of())).isEmpty();
    assertThat(s.nextRelease(Set.of())).isEmpty();
  }

  @Test
  void aRateLimitedNicWaitsTheLongerPeriodForProxmoxsOwnQdiscs() {
    s.touched(TAP);
    s.touched(RATED);
    clock.advance(Duration.ofMillis(500));
    assertThat(s.holds(Set.of(RATED))).containsExactly(RATED);
    assertThat(s.nextRelease(Set.of(RATED))).contains(T0.plusSeconds(2));
    clock.advance(Duration.ofMillis(1500));
    assertThat(s.holds(Set.of(RATED))).isEmpty();
  }

  @Test
  void aNewDeviceWaitsLongerBecauseProxmoxsDeletesOnAFreshTapMakeNoEvent() {
    PlugSettling p =
        new PlugSettling(
            clock, Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(2));
    var old = new io.pvespan.status.GuestDevice(TAP, 7);
    p.seen(java.util.List.of(old)); // the baseline at start: not new
    p.touched(TAP);
    clock.advance(Duration.ofMillis(250));
    assertThat(p.holds(Set.of())).isEmpty();

    p.touched(RATED); // a tap appears (hotplug): first seen by the next full observation
    p.seen(java.util.List.of(old, new io.pvespan.status.GuestDevice(RATED, 8)));
    clock.advance(Duration.ofMillis(900));
    assertThat(p.holds(Set.of())).containsExactly(RATED);
    clock.advance(Duration.ofMillis(100));
    assertThat(p.holds(Set.of())).isEmpty();

    // Re-created with another ifindex (a new MAC means a new tap): new again.
    clock.advance(PlugSettling.NEW_DEVICE_PERIOD);
    p.touched(TAP);
    p.seen(java.util.List.of(new io.pvespan.status.GuestDevice(TAP, 9)));
    clock.advance(Duration.ofMillis(500));
    assertThat(p.holds(Set.of())).containsExactly(TAP);
  }

  @Test
  void refusesPeriodsThatCannotBeRight() {
    assertThatThrownBy(() -> new PlugSettling(clock, Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlugSettling(clock, Duration.ofSeconds(1), Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
