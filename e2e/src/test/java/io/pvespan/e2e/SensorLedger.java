package io.pvespan.e2e;

import io.pvespan.lab.Await;
import io.pvespan.lab.LabLifecycle;
import io.pvespan.lab.LabLifecycle.NicRef;
import io.pvespan.lab.LinkCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bytes the mirrored guest NICs sent and received (every session here mirrors {@code both}
 * directions) against bytes at one sensor NIC, read at named instants ({@link #mark}) through
 * {@link LabLifecycle#counters}: across migrations, in one snapshot, sensor last. Each interval
 * between two marks is a phase.
 */
final class SensorLedger {
  /** One phase: from the previous mark to this one. */
  record Phase(String name, long guestBytes, long expected, long seen) {
    long unmirrored() {
      return expected - seen;
    }

    @Override
    public String toString() {
      return String.format(
          "%-34s guest %,12d B   mirrored sources %,12d B   at the sensor %,12d B   unmirrored %,d B",
          name, guestBytes, expected, seen, unmirrored());
    }
  }

  private final LabLifecycle lifecycle;
  private final List<NicRef> sources;
  private final NicRef guest;
  private final NicRef sensor;
  private final List<String> names = new ArrayList<>();
  private final List<Map<NicRef, LinkCounters>> marks = new ArrayList<>();

  /**
   * @param sources every NIC mirrored to {@code sensor} (a packet seen by two of them counts twice)
   * @param guest the one whose own bytes are shown (among {@code sources})
   */
  SensorLedger(LabLifecycle lifecycle, List<NicRef> sources, NicRef guest, NicRef sensor) {
    this.lifecycle = lifecycle;
    this.sources = List.copyOf(sources);
    this.guest = guest;
    this.sensor = sensor;
    mark("start");
  }

  void mark(String name) {
    List<NicRef> all = new ArrayList<>(sources);
    all.add(sensor);
    marks.add(lifecycle.counters(all));
    names.add(name);
  }

  /** Marks {@code name} once the sensor has stopped counting (copies in flight arrived). */
  void markSettled(String name) {
    long[] last = {-1};
    Await.until(
        Duration.ofSeconds(5),
        () -> {
          long now = lifecycle.counters(List.of(sensor)).get(sensor).rxBytes();
          boolean same = now == last[0];
          last[0] = now;
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return same;
        });
    mark(name);
  }

  List<Phase> phases() {
    List<Phase> out = new ArrayList<>();
    for (int i = 1; i < marks.size(); i++) {
      out.add(phase(names.get(i), marks.get(i - 1), marks.get(i)));
    }
    return out;
  }

  /** From the first mark to the last. */
  Phase total() {
    return phase("total", marks.get(0), marks.get(marks.size() - 1));
  }

  private Phase phase(String name, Map<NicRef, LinkCounters> from, Map<NicRef, LinkCounters> to) {
    long expected = 0;
    for (NicRef s : sources) {
      expected += to.get(s).totalBytes() - from.get(s).totalBytes();
    }
    return new Phase(
        name,
        to.get(guest).totalBytes() - from.get(guest).totalBytes(),
        expected,
        to.get(sensor).rxBytes() - from.get(sensor).rxBytes());
  }
}
