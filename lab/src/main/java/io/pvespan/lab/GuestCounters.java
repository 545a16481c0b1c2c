package io.pvespan.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A guest NIC's counters across its incarnations. A live migration swaps the VM's {@code ethN} for
 * the target's (and a stop deletes it); what the old device counted is kept as an offset, so {@link
 * #read} counts every byte the guest's NIC ever sent or received in the lab. Reads and swaps
 * exclude each other: a reading never sees the new device without the old one's bytes.
 */
final class GuestCounters {
  private static final LinkCounters ZERO = new LinkCounters(0, 0, 0, 0);

  private final LabTopology topology;
  private final Map<LabLifecycle.NicRef, LinkCounters> offsets = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();

  GuestCounters(LabTopology topology) {
    this.topology = topology;
  }

  /**
   * Every NIC's bytes so far, guests first and in order (put the sensor last: it counts copies of
   * what the guests counted a moment before).
   */
  Map<LabLifecycle.NicRef, LinkCounters> read(List<LabLifecycle.NicRef> nics) {
    List<CounterSnapshot.Device> devices = new ArrayList<>();
    nics.forEach(n -> devices.add(device(n)));
    lock.lock();
    try {
      Map<CounterSnapshot.Device, LinkCounters> now = CounterSnapshot.read(devices);
      Map<LabLifecycle.NicRef, LinkCounters> out = new LinkedHashMap<>();
      for (LabLifecycle.NicRef n : nics) {
        LinkCounters live = now.get(device(n));
        out.put(n, plus(offsets.getOrDefault(n, ZERO), live == null ? ZERO : live));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Holds readers off while the guest's devices are swapped. */
  void exclusive(Runnable swap) {
    lock.lock();
    try {
      swap.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The device that counted {@code retired} is gone from the VM; its successor had counted {@code
   * successorStart} when it took over.
   */
  void retire(LabLifecycle.NicRef nic, LinkCounters retired, LinkCounters successorStart) {
    lock.lock();
    try {
      LinkCounters keep = retired.minus(successorStart == null ? ZERO : successorStart);
      offsets.merge(nic, keep, GuestCounters::plus);
    } finally {
      lock.unlock();
    }
  }

  private CounterSnapshot.Device device(LabLifecycle.NicRef n) {
    return new CounterSnapshot.Device(topology.vmNs(n.vmid()), "eth" + n.index());
  }

  private static LinkCounters plus(LinkCounters a, LinkCounters b) {
    return new LinkCounters(
        a.rxBytes() + b.rxBytes(),
        a.rxPackets() + b.rxPackets(),
        a.txBytes() + b.txBytes(),
        a.txPackets() + b.txPackets());
  }
}
