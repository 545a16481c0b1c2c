package io.pvespan.lab;

import io.pvespan.model.Direction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes in, bytes at the sensor: runs a transfer between two lab VMs and compares, per sensor
 * device, the bytes the plan says must arrive (the mirrored VMs' interface counters, by direction)
 * with the bytes the sensor's capture NIC received.
 */
public final class MirrorMeter {
  private static final Pattern GUEST_DEVICE = Pattern.compile("(?:tap|veth)(\\d+)i(\\d+)");
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private MirrorMeter() {}

  /**
   * Ethernet + IPv4 + TCP with timestamps: the headers a GSO split repeats on every segment. The
   * lab's traffic is IPv4 TCP (iperf3); other frames are never split.
   */
  public static final int SPLIT_HEADER_BYTES = 14 + 20 + 32;

  /**
   * Per sensor device (or external collector): what the plan says must arrive, and what did; with
   * the frames on both sides, so that a GSO super-frame split on its way (a tunnel delivers at most
   * the MTU) is not mistaken for extra bytes.
   */
  public record Reading(
      String sensorDevice, long expected, long seen, long expectedFrames, long seenFrames) {
    public Reading(String sensorDevice, long expected, long seen) {
      this(sensorDevice, expected, seen, 0, 0);
    }

    /**
     * Header bytes the sensor got more (super-frames split on the way: a tunnel sends at most the
     * MTU) or fewer (negative: segments merged again by GRO behind the tunnel, across the sources'
     * frame boundaries) than the sources sent: the frame difference, {@link #SPLIT_HEADER_BYTES}
     * each. 0 when frames arrive as sent (offloads off, or a local mirror).
     */
    public long splitHeaders() {
      return resegmented(expectedFrames, seenFrames);
    }

    /**
     * Bytes mirrored but not seen, re-segmented headers left out (negative: more than mirrored). A
     * lost segment counts as its payload.
     */
    public long unmirrored() {
      return expected - (seen - splitHeaders());
    }

    /** |seen - expected| / expected, 0 when nothing was expected and nothing seen. */
    public double error() {
      if (expected == 0) {
        return seen == 0 ? 0 : 1;
      }
      return Math.abs(seen - expected) / (double) expected;
    }
  }

  /**
   * Sends {@code bytes} from {@code clientVm} to {@code serverVm} and reads every sensor of {@code
   * mirrors}. Waits (bounded) for copies in flight to arrive before reading. Mirrors with filter
   * rules cannot be predicted from interface counters: leave them out of {@code mirrors} (the
   * transfer, TCP to port 5201, matches no usual port rule).
   */
  public static Map<String, Reading> transfer(
      Lab lab, List<LabPlan.Placed> mirrors, int clientVm, int serverVm, long bytes) {
    return transfer(lab, mirrors, List.of(), clientVm, serverVm, bytes);
  }

  /**
   * As {@link #transfer(Lab, List, int, int, long)}, and also reads the {@code collectors}: the
   * copies of a mirror to an external collector count at the collector's decapsulating device,
   * keyed by the collector's {@link LabCollector#toString()}.
   */
  public static Map<String, Reading> transfer(
      Lab lab,
      List<LabPlan.Placed> mirrors,
      List<LabCollector> collectors,
      int clientVm,
      int serverVm,
      long bytes) {
    Map<String, LinkCounters> before = snapshot(lab);
    Map<String, LinkCounters> collectorsBefore = new LinkedHashMap<>();
    collectors.forEach(c -> collectorsBefore.put(c.toString(), c.counters()));
    Iperf.transfer(lab, clientVm, serverVm, bytes);
    Map<String, LinkCounters> after = snapshot(lab);
    Map<String, long[]> expected = new TreeMap<>();
    Map<String, java.util.function.Supplier<LinkCounters>> sinks = new LinkedHashMap<>();
    for (LabPlan.Placed p : mirrors) {
      String sink = p.sensorDevice();
      if (sink != null) {
        String sensor = sensorKey(sink);
        sinks.putIfAbsent(sink, () -> counters(lab, sensor).minus(before.get(sensor)));
      } else {
        LabCollector c = collectorOf(p, collectors);
        if (c == null) {
          continue; // an external collector outside the lab
        }
        sink = c.toString();
        sinks.putIfAbsent(sink, () -> c.counters().minus(collectorsBefore.get(c.toString())));
      }
      String key = p.entry().vmid().value() + "/" + p.entry().nic().index();
      LinkCounters d = after.get(key) == null ? null : after.get(key).minus(before.get(key));
      long[] sum = expected.computeIfAbsent(sink, k -> new long[2]);
      if (d != null) {
        sum[0] += bytes(p.entry().direction(), d);
        sum[1] += frames(p.entry().direction(), d);
      }
    }
    Map<String, Reading> readings = new LinkedHashMap<>();
    for (var e : expected.entrySet()) {
      long want = e.getValue()[0];
      long wantFrames = e.getValue()[1];
      Reading[] seen = {new Reading(e.getKey(), want, 0, wantFrames, 0)};
      Await.until(
          SETTLE,
          () -> {
            LinkCounters c = sinks.get(e.getKey()).get();
            seen[0] = new Reading(e.getKey(), want, c.rxBytes(), wantFrames, c.rxPackets());
            return seen[0].unmirrored() <= want / 1000;
          });
      readings.put(e.getKey(), seen[0]);
    }
    return readings;
  }

  /** See {@link Reading#splitHeaders()}. */
  static long resegmented(long expectedFrames, long seenFrames) {
    return (seenFrames - expectedFrames) * SPLIT_HEADER_BYTES;
  }

  /** The collector {@code p}'s copies end at, if it is one of {@code collectors}. */
  static LabCollector collectorOf(LabPlan.Placed p, List<LabCollector> collectors) {
    if (!(p.entry().target() instanceof io.pvespan.plan.TunnelTarget t)) {
      return null;
    }
    return collectors.stream().filter(c -> c.serves(t)).findFirst().orElse(null);
  }

  /** The VM-side bytes a mirror of {@code direction} copies. */
  static long bytes(Direction direction, LinkCounters delta) {
    return switch (direction) {
      case BOTH -> delta.rxBytes() + delta.txBytes();
      case INGRESS -> delta.rxBytes(); // the VM receives
      case EGRESS -> delta.txBytes(); // the VM sends
    };
  }

  /** The VM-side frames a mirror of {@code direction} copies. */
  static long frames(Direction direction, LinkCounters delta) {
    return switch (direction) {
      case BOTH -> delta.rxPackets() + delta.txPackets();
      case INGRESS -> delta.rxPackets();
      case EGRESS -> delta.txPackets();
    };
  }

  private static Map<String, LinkCounters> snapshot(Lab lab) {
    Map<String, LinkCounters> all = new LinkedHashMap<>();
    for (LabVm vm : lab.topology().vms()) {
      for (LabNic nic : vm.nics()) {
        try {
          all.put(vm.vmid() + "/" + nic.index(), lab.vmCounters(vm.vmid(), nic.index()));
        } catch (LabException stopped) {
          // A stopped VM has no NIC: it sends nothing and is not counted.
        }
      }
    }
    return all;
  }

  private static LinkCounters counters(Lab lab, String key) {
    List<String> parts = List.of(key.split("/"));
    return lab.vmCounters(Integer.parseInt(parts.get(0)), Integer.parseInt(parts.get(1)));
  }

  private static String sensorKey(String device) {
    Matcher m = GUEST_DEVICE.matcher(device);
    if (!m.matches()) {
      throw new LabException("sensor device " + device + " is not a guest device");
    }
    return m.group(1) + "/" + m.group(2);
  }
}
