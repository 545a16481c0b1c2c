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

  /** Per sensor device: what the plan says must arrive, and what did. */
  public record Reading(String sensorDevice, long expected, long seen) {
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
    Map<String, LinkCounters> before = snapshot(lab);
    Iperf.transfer(lab, clientVm, serverVm, bytes);
    Map<String, LinkCounters> after = snapshot(lab);
    Map<String, Long> expected = new TreeMap<>();
    for (LabPlan.Placed p : mirrors) {
      if (p.sensorDevice() == null) {
        continue; // an external collector: not in the lab
      }
      String key = p.entry().vmid().value() + "/" + p.entry().nic().index();
      LinkCounters d = after.get(key) == null ? null : after.get(key).minus(before.get(key));
      long add = d == null ? 0 : bytes(p.entry().direction(), d);
      expected.merge(p.sensorDevice(), add, Long::sum);
    }
    Map<String, Reading> readings = new LinkedHashMap<>();
    for (var e : expected.entrySet()) {
      String key = sensorKey(e.getKey());
      LinkCounters start = before.get(key);
      long want = e.getValue();
      long[] seen = {0};
      Await.until(
          SETTLE,
          () -> {
            seen[0] = counters(lab, key).minus(start).rxBytes();
            return seen[0] >= want - want / 1000;
          });
      readings.put(e.getKey(), new Reading(e.getKey(), want, seen[0]));
    }
    return readings;
  }

  /** The VM-side bytes a mirror of {@code direction} copies. */
  static long bytes(Direction direction, LinkCounters delta) {
    return switch (direction) {
      case BOTH -> delta.rxBytes() + delta.txBytes();
      case INGRESS -> delta.rxBytes(); // the VM receives
      case EGRESS -> delta.txBytes(); // the VM sends
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
