package io.pvespan.lab;

import io.pvespan.lab.LabLifecycle.NicRef;
import io.pvespan.model.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bytes the mirrored guest NICs sent and received (by each session's direction) against bytes at
 * one sensor NIC, read at named instants ({@link #mark}) through {@link LabLifecycle#counters}:
 * across migrations, in one snapshot, sensor last. Each interval between two marks is a phase.
 */
public final class SensorLedger {
  /** A NIC mirrored to the sensor, and what of it. A NIC in two sessions is two sources. */
  public record Source(NicRef nic, Direction direction) {
    /** {@code both}: what every E2E session mirrors. */
    public static Source both(NicRef nic) {
      return new Source(nic, Direction.BOTH);
    }
  }

  /**
   * One phase: from the previous mark to this one.
   *
   * @param guestBytes bytes the shown guest sent and received
   * @param expected what the sources' directions say must reach the sensor
   * @param seen what the sensor's NIC received
   * @param expectedFrames the sources' frames (a GSO super-frame is one)
   * @param seenFrames the frames the sensor's NIC received
   */
  public record Phase(
      String name,
      long guestBytes,
      long expected,
      long seen,
      long expectedFrames,
      long seenFrames) {
    /** As {@link MirrorMeter.Reading#splitHeaders()}: + split on the way, - merged by GRO. */
    public long splitHeaders() {
      return MirrorMeter.resegmented(expectedFrames, seenFrames);
    }

    /** Mirrored bytes the sensor did not get, re-segmented headers left out (negative: more). */
    public long unmirrored() {
      return expected - (seen - splitHeaders());
    }

    @Override
    public String toString() {
      return String.format(
          "%-34s guest %,12d B   mirrored sources %,12d B   at the sensor %,12d B   unmirrored %,d B",
          name, guestBytes, expected, seen, unmirrored());
    }
  }

  private final LabLifecycle lifecycle;
  private final List<Source> sources;
  private final NicRef guest;
  private final NicRef sensor;
  private final List<String> names = new ArrayList<>();
  private final List<Map<NicRef, LinkCounters>> marks = new ArrayList<>();

  /**
   * @param sources every NIC mirrored to {@code sensor} (a packet seen by two of them counts twice)
   * @param guest the one whose own bytes are shown (among {@code sources})
   */
  public SensorLedger(LabLifecycle lifecycle, List<Source> sources, NicRef guest, NicRef sensor) {
    this.lifecycle = lifecycle;
    this.sources = List.copyOf(sources);
    this.guest = guest;
    this.sensor = sensor;
    mark("start");
  }

  public void mark(String name) {
    List<NicRef> all = new ArrayList<>();
    sources.forEach(src -> all.add(src.nic()));
    all.add(guest);
    all.add(sensor);
    marks.add(lifecycle.counters(all));
    names.add(name);
  }

  /** Marks {@code name} once the sensor has stopped counting (copies in flight arrived). */
  public void markSettled(String name) {
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

  public List<Phase> phases() {
    List<Phase> out = new ArrayList<>();
    for (int i = 1; i < marks.size(); i++) {
      out.add(phase(names.get(i), marks.get(i - 1), marks.get(i)));
    }
    return out;
  }

  /** From the first mark to the last. */
  public Phase total() {
    return phase("total", marks.get(0), marks.get(marks.size() - 1));
  }

  private Phase phase(String name, Map<NicRef, LinkCounters> from, Map<NicRef, LinkCounters> to) {
    long expected = 0;
    long expectedFrames = 0;
    for (Source s : sources) {
      LinkCounters d = to.get(s.nic()).minus(from.get(s.nic()));
      expected += MirrorMeter.bytes(s.direction(), d);
      expectedFrames += MirrorMeter.frames(s.direction(), d);
    }
    LinkCounters atSensor = to.get(sensor).minus(from.get(sensor));
    return new Phase(
        name,
        to.get(guest).totalBytes() - from.get(guest).totalBytes(),
        expected,
        atSensor.rxBytes(),
        expectedFrames,
        atSensor.rxPackets());
  }
}
