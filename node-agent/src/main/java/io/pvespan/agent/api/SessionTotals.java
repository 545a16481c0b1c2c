package io.pvespan.agent.api;

import io.pvespan.status.EntryStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-session packet and byte counters for the metrics, split into what this node copies from its
 * sources ({@code mirrored}) and what it delivers from tunnels into a sensor ({@code delivered}):
 * summing both over all agents would count remote copies twice. Values are {@code {packets, bytes}}
 * by session.
 */
record SessionTotals(Map<String, long[]> mirrored, Map<String, long[]> delivered) {
  static final String MIRROR = "mirror";
  static final String DELIVERY = "delivery";

  /** A delivery entry has no direction (it is not on a guest's device). */
  static String kind(EntryStatus e) {
    return e.direction() == null ? DELIVERY : MIRROR;
  }

  /** The sums over {@code entries} alone. */
  static SessionTotals of(List<EntryStatus> entries) {
    Map<EntryId, long[]> byEntry = new HashMap<>();
    entries.forEach(e -> add(byEntry, key(e), e.packets(), e.bytes()));
    return sum(byEntry);
  }

  /**
   * Sums that also keep every entry seen earlier in this process: an entry that leaves the plan (a
   * guest migrated away, a NIC removed) would otherwise take its bytes out of the session's sum,
   * which Prometheus reads as a counter reset. Thread-safe (scrapes run in parallel).
   */
  static final class Keeper {
    private final Map<EntryId, long[]> seen = new HashMap<>();

    synchronized SessionTotals update(List<EntryStatus> entries) {
      Map<EntryId, long[]> now = new HashMap<>();
      entries.forEach(e -> add(now, key(e), e.packets(), e.bytes()));
      now.forEach(
          (k, v) ->
              seen.merge(k, v, (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])}));
      return sum(seen);
    }
  }

  private record EntryId(String kind, String session, String device, Object direction) {}

  private static EntryId key(EntryStatus e) {
    return new EntryId(kind(e), e.session(), e.device().value(), e.direction());
  }

  private static void add(Map<EntryId, long[]> to, EntryId key, long packets, long bytes) {
    long[] v = to.computeIfAbsent(key, k -> new long[2]);
    v[0] += packets;
    v[1] += bytes;
  }

  private static SessionTotals sum(Map<EntryId, long[]> byEntry) {
    Map<String, long[]> mirrored = new TreeMap<>();
    Map<String, long[]> delivered = new TreeMap<>();
    byEntry.forEach(
        (k, v) -> {
          Map<String, long[]> to = k.kind().equals(MIRROR) ? mirrored : delivered;
          long[] s = to.computeIfAbsent(k.session(), x -> new long[2]);
          s[0] += v[0];
          s[1] += v[1];
        });
    return new SessionTotals(mirrored, delivered);
  }
}
