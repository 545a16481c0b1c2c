package io.pvespan.agent.engine;

import io.pvespan.agent.engine.ConvergeStep.FilterCount;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes an entry's packet and byte counters never go down while the agent runs, although the kernel
 * restarts a filter's counters at zero whenever the filter is re-created (Proxmox's re-plug wipes
 * it and we put it back, a sensor moved, a guest migrated away and back). Per filter slot of an
 * entry (device, side, target) it keeps the last value read and a carried total; the last value
 * moves into the carried total when the slot's counters went down or its cookie changed (another
 * filter). A filter missing from one read keeps its last value: a read that failed must not count
 * the same bytes twice when the filter shows up again. A re-created filter is normally read right
 * after the agent wrote it, near zero, so its restart is seen. Nothing is persisted: a restarted
 * agent starts from what the kernel holds, which Prometheus sees as one counter reset.
 *
 * <p>Not thread-safe: the converger serialises converges.
 */
final class CounterCarry {
  private record Slot(InterfaceName device, TcSide side, String target) {}

  private static final class Tally {
    OwnershipCookie cookie;
    long lastPackets;
    long lastBytes;
    long carriedPackets;
    long carriedBytes;

    void carry() {
      carriedPackets += lastPackets;
      carriedBytes += lastBytes;
    }
  }

  private final Map<EntryKey, Map<Slot, Tally>> entries = new HashMap<>();

  /**
   * Reads {@code now}, the filters of {@code entry} found in the kernel, and returns the entry's
   * totals since the agent started: {@code {packets, bytes}}, never less than the last answer.
   */
  long[] totals(EntryKey entry, List<FilterCount> now) {
    Map<Slot, Tally> slots = entries.computeIfAbsent(entry, k -> new HashMap<>());
    // Two filters in one slot (drift the converge removes): read as one.
    Map<Slot, FilterCount> read = new HashMap<>();
    for (FilterCount f : now) {
      read.merge(
          new Slot(f.device(), f.side(), f.target()),
          f,
          (a, b) ->
              new FilterCount(
                  a.device(),
                  a.side(),
                  a.target(),
                  a.cookie(),
                  a.packets() + b.packets(),
                  a.bytes() + b.bytes()));
    }
    for (Map.Entry<Slot, FilterCount> r : read.entrySet()) {
      FilterCount f = r.getValue();
      Tally t = slots.computeIfAbsent(r.getKey(), s -> new Tally());
      boolean another = t.cookie != null && !t.cookie.equals(f.cookie());
      if (another || f.packets() < t.lastPackets || f.bytes() < t.lastBytes) {
        t.carry();
      }
      t.cookie = f.cookie();
      t.lastPackets = f.packets();
      t.lastBytes = f.bytes();
    }
    long[] sum = new long[2];
    for (Tally t : slots.values()) {
      sum[0] += t.carriedPackets + t.lastPackets;
      sum[1] += t.carriedBytes + t.lastBytes;
    }
    return sum;
  }
}
