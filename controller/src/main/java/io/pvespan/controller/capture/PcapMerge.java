package io.pvespan.controller.capture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Merges the records of several capture streams (one per node and device) into one time-ordered
 * sequence. A record is released once it has waited {@code holdMillis} after it arrived, smallest
 * timestamp first, so records of streams that arrive a little late still fall into place. A frame
 * seen by two streams (the same bytes within {@code windowMicros}: e.g. around a migration's
 * switchover, or both taps of two guests of one session talking to each other) is released once;
 * identical frames of one stream are all kept (a guest may well send the same bytes twice). Not
 * thread-safe: the caller serialises.
 */
final class PcapMerge {
  private record Held(PcapRecord record, long arrived, long order) {}

  /** {@code keep}: never less than the previous entry's, so the deque stays ordered by it. */
  private record Seen(long micros, long hash, int stream, long keep) {}

  private final long holdMillis;
  private final long windowMicros;
  private final PriorityQueue<Held> held =
      new PriorityQueue<>(
          Comparator.comparingLong((Held h) -> h.record.micros()).thenComparingLong(Held::order));
  private final ArrayDeque<Seen> recent = new ArrayDeque<>();
  private final Map<Long, List<Seen>> byHash = new HashMap<>();
  private long arrivals;
  private long duplicates;

  PcapMerge(long holdMillis, long windowMicros) {
    this.holdMillis = holdMillis;
    this.windowMicros = windowMicros;
  }

  void add(PcapRecord record, long nowMillis) {
    held.add(new Held(record, nowMillis, arrivals++));
  }

  /** The records ripe at {@code nowMillis}, in timestamp order, duplicates left out. */
  List<PcapRecord> drain(long nowMillis) {
    List<PcapRecord> out = new ArrayList<>();
    while (!held.isEmpty() && nowMillis - held.peek().arrived >= holdMillis) {
      PcapRecord r = held.poll().record;
      if (!duplicate(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Everything still held, in order (the capture ends). */
  List<PcapRecord> flush() {
    return drain(Long.MAX_VALUE);
  }

  /** Records left out as duplicates so far. */
  long duplicates() {
    return duplicates;
  }

  private boolean duplicate(PcapRecord r) {
    while (!recent.isEmpty() && recent.peekFirst().keep < r.micros() - windowMicros) {
      Seen old = recent.removeFirst();
      List<Seen> same = byHash.get(old.hash);
      if (same != null) {
        same.remove(old);
        if (same.isEmpty()) {
          byHash.remove(old.hash);
        }
      }
    }
    long hash = hash(r.data());
    List<Seen> same = byHash.get(hash);
    if (same != null) {
      for (Seen s : same) {
        if (s.stream != r.stream() && Math.abs(s.micros - r.micros()) <= windowMicros) {
          duplicates++;
          return true;
        }
      }
    }
    // Released records are mostly in time order; one that is not just stays a little longer.
    long keep = recent.isEmpty() ? r.micros() : Math.max(recent.peekLast().keep, r.micros());
    Seen seen = new Seen(r.micros(), hash, r.stream(), keep);
    recent.addLast(seen);
    byHash.computeIfAbsent(hash, k -> new ArrayList<>(1)).add(seen);
    return false;
  }

  /** FNV-1a, 64 bits, over the captured bytes and their length. */
  static long hash(byte[] data) {
    long h = 0xcbf29ce484222325L ^ data.length;
    for (byte b : data) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
