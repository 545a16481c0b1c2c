package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.engine.ConvergeStep.FilterCount;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterCarryTest {
  private static final EntryKey WEB =
      new EntryKey(EntryKey.MIRROR, "web", InterfaceName.of("tap101i0"), Direction.BOTH, "");
  private static final EntryKey DMZ =
      new EntryKey(EntryKey.MIRROR, "dmz", InterfaceName.of("tap101i0"), Direction.BOTH, "");
  private static final OwnershipCookie A = OwnershipCookie.of("web|in", "to=tap900i0");
  private static final OwnershipCookie B = OwnershipCookie.of("web|in", "to=tap900i0|tcp");

  private final CounterCarry carry = new CounterCarry();

  private static FilterCount in(OwnershipCookie cookie, long packets, long bytes) {
    return count(TcSide.INGRESS, "tap900i0", cookie, packets, bytes);
  }

  private static FilterCount out(long packets, long bytes) {
    return count(TcSide.EGRESS, "tap900i0", A, packets, bytes);
  }

  private static FilterCount count(
      TcSide side, String target, OwnershipCookie cookie, long packets, long bytes) {
    return new FilterCount(InterfaceName.of("tap101i0"), side, target, cookie, packets, bytes);
  }

  @Test
  void passesGrowingCountersThroughAndSumsTheSides() {
    assertThat(carry.totals(WEB, List.of(in(A, 1, 100), out(2, 200)))).containsExactly(3, 300);
    assertThat(carry.totals(WEB, List.of(in(A, 5, 500), out(2, 200)))).containsExactly(7, 700);
  }

  @Test
  void aRecreatedFilterAddsToWhatItsPredecessorCounted() {
    carry.totals(WEB, List.of(in(A, 10, 1_000_000), out(4, 4000)));
    // Proxmox re-plugged the tap: both filters are new and count from zero again.
    assertThat(carry.totals(WEB, List.of(in(A, 0, 0), out(0, 0)))).containsExactly(14, 1_004_000);
    assertThat(carry.totals(WEB, List.of(in(A, 1, 126), out(0, 0)))).containsExactly(15, 1_004_126);
    // ...and again, later.
    assertThat(carry.totals(WEB, List.of(in(A, 0, 60), out(1, 10)))).containsExactly(16, 1_004_196);
  }

  @Test
  void anotherFilterInTheSameSlotStartsAfterTheOldOneEvenIfItCountsMore() {
    carry.totals(WEB, List.of(in(A, 10, 1000)));
    // The filter rules changed: another filter (another cookie) already counted past the old one.
    assertThat(carry.totals(WEB, List.of(in(B, 20, 2000)))).containsExactly(30, 3000);
  }

  @Test
  void aFilterMissingFromOneReadKeepsItsCountsAndIsNotCountedTwice() {
    carry.totals(WEB, List.of(in(A, 10, 1000), out(1, 100)));
    // The guest stopped (its tap is gone) or one read failed: nothing of the entry in the kernel.
    assertThat(carry.totals(WEB, List.of())).containsExactly(11, 1100);
    // The same filter again (the read had failed): it kept counting, nothing is added twice.
    assertThat(carry.totals(WEB, List.of(in(A, 12, 1200), out(1, 100)))).containsExactly(13, 1300);
    // The guest started again: new filters from zero, after the old totals.
    assertThat(carry.totals(WEB, List.of(in(A, 2, 20), out(0, 0)))).containsExactly(15, 1320);
  }

  @Test
  void entriesAndTargetsAreCountedApart() {
    carry.totals(WEB, List.of(in(A, 10, 1000)));
    assertThat(carry.totals(DMZ, List.of(in(A, 1, 10)))).containsExactly(1, 10);
    // A standby target's filter is its own slot: both count into the entry.
    FilterCount standby = count(TcSide.INGRESS, "pspv2a", A, 3, 30);
    assertThat(carry.totals(WEB, List.of(in(A, 10, 1000), standby))).containsExactly(13, 1030);
    // The standby filter goes (the sensor resumed elsewhere): its copies stay counted.
    assertThat(carry.totals(WEB, List.of(in(A, 11, 1100)))).containsExactly(14, 1130);
  }

  @Test
  void neverGoesDownWhateverTheKernelReports() {
    long[][] reads = {{5, 500}, {0, 0}, {7, 700}, {3, 300}, {3, 300}, {0, 0}, {9, 900}};
    long before = 0;
    for (long[] r : reads) {
      long now = carry.totals(WEB, List.of(in(A, r[0], r[1])))[1];
      assertThat(now).isGreaterThanOrEqualTo(before);
      before = now;
    }
    assertThat(before).isEqualTo(500 + 700 + 300 + 900);
  }
}
