package io.pvespan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters of several devices in several lab namespaces read at (nearly) the same instant: one
 * process enters each namespace in turn ({@code setns}) and reads its {@code /proc/self/net/dev},
 * all within a fraction of a millisecond. One {@code ip -s} process per device would take ~10 ms
 * each, and with traffic running the guest's and the sensor's readings would then disagree by
 * whatever crossed the wire in between.
 */
public final class CounterSnapshot {
  /** One device to read. */
  public record Device(String ns, String name) {
    @Override
    public String toString() {
      return ns + "/" + name;
    }
  }

  static final String PYTHON = "/usr/bin/python3";
  private static final ObjectMapper JSON = new ObjectMapper();

  // Reads in argument order; a missing namespace or device reads as absent (null), never fails.
  private static final String SCRIPT =
      String.join(
          "\n",
          "import ctypes, json, os, sys",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "out = []",
          "for arg in sys.argv[1:]:",
          "    ns, dev = arg.split('/', 1)",
          "    try:",
          "        fd = os.open('/run/netns/' + ns, os.O_RDONLY)",
          "    except OSError:",
          "        out.append(None); continue",
          "    ok = libc.setns(fd, 0x40000000) == 0",
          "    os.close(fd)",
          "    if not ok:",
          "        out.append(None); continue",
          "    found = None",
          "    with open('/proc/self/net/dev') as f:",
          "        for line in f.readlines()[2:]:",
          "            name, _, rest = line.partition(':')",
          "            if name.strip() == dev:",
          "                v = rest.split()",
          "                found = [int(v[0]), int(v[1]), int(v[8]), int(v[9])]",
          "    out.append(found)",
          "print(json.dumps(out))");

  private CounterSnapshot() {}

  /** The devices' counters, in order; a device that does not exist maps to null. */
  public static Map<Device, LinkCounters> read(List<Device> devices) {
    List<String> argv = new ArrayList<>(List.of(PYTHON, "-c", SCRIPT));
    devices.forEach(d -> argv.add(d.ns() + "/" + d.name()));
    String out = Exec.run(argv);
    try {
      JsonNode values = JSON.readTree(out);
      Map<Device, LinkCounters> result = new LinkedHashMap<>();
      for (int i = 0; i < devices.size(); i++) {
        JsonNode v = values.get(i);
        result.put(
            devices.get(i),
            v == null || v.isNull()
                ? null
                : new LinkCounters(
                    v.get(0).asLong(), v.get(1).asLong(), v.get(2).asLong(), v.get(3).asLong()));
      }
      return result;
    } catch (IOException | NullPointerException e) {
      throw new LabException("unreadable counter snapshot: " + out, e);
    }
  }
}
