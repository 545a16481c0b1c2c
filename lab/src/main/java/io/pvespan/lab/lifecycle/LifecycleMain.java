package io.pvespan.lab.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one sequence as its own OS process:
 *
 * <pre>
 * java -cp lab.jar io.pvespan.lab.lifecycle.LifecycleMain SEQUENCE --node-ns NS --vmid 101 --nic 0
 *   [--bridge vmbr0] [--vlan-aware] [--tag 10] [--firewall] [--rate MBps] [--mtu 1500]
 *   [--mac BC:24:11:00:00:01] [--vm-ns NS] [--park-ns NS] [--gap-ms 2] [--counter-dev DEV]
 * </pre>
 *
 * SEQUENCE is one of vm-start, nic-hotplug, nic-unplug, vm-stop, rate-change, bridge-change,
 * nic-replace, ct-start, ct-hotplug, ct-stop, migrate-begin (--node-ns is the target),
 * migrate-switchover (--vm-ns, --park-ns), migrate-finish (--node-ns is the source). Prints one
 * JSON line per command run; exits 0 when Proxmox would have succeeded, 1 when a command failed
 * that Proxmox does not tolerate (or Proxmox would die), 2 on a usage error. {@code --vlan-aware}
 * plans as if the bridge had {@code vlan_filtering=1} (Proxmox reads it from the bridge).
 */
public final class LifecycleMain {
  private static final Set<String> FLAGS = Set.of("--firewall", "--vlan-aware");

  private LifecycleMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> o = new HashMap<>();
    try {
      if (args.length == 0) {
        throw new IllegalArgumentException("missing sequence");
      }
      for (int i = 1; i < args.length; i++) {
        if (FLAGS.contains(args[i])) {
          o.put(args[i], "true");
        } else if (args[i].startsWith("--") && i + 1 < args.length) {
          o.put(args[i], args[++i]);
        } else {
          throw new IllegalArgumentException("unexpected argument: " + args[i]);
        }
      }
      DriverOptions options =
          new DriverOptions(
              Duration.ofMillis(Long.parseLong(o.getOrDefault("--gap-ms", "0"))),
              Optional.ofNullable(o.get("--counter-dev")),
              o.containsKey("--vlan-aware"));
      NicConfig nic = nic(o);
      SequenceResult result = dispatch(args[0], new LifecycleDriver(options), o, nic);
      ObjectMapper json = new ObjectMapper();
      for (CommandResult r : result.results()) {
        out.println(line(json, result.sequence(), r));
      }
      result.abortReason().ifPresent(a -> err.println("Proxmox would die: " + a));
      return result.succeeded() ? 0 : 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("lifecycle: " + e.getMessage());
      return 2;
    }
  }

  private static NicConfig nic(Map<String, String> o) {
    int vmid = Integer.parseInt(need(o, "--vmid"));
    int index = Integer.parseInt(o.getOrDefault("--nic", "0"));
    String mac =
        o.getOrDefault(
            "--mac",
            String.format("BC:24:11:%02X:%02X:%02X", (vmid >> 8) & 0xff, vmid & 0xff, index));
    return new NicConfig(
        GuestKind.QEMU,
        vmid,
        index,
        o.getOrDefault("--bridge", "vmbr0"),
        o.containsKey("--tag") ? Integer.valueOf(o.get("--tag")) : null,
        o.containsKey("--firewall"),
        o.containsKey("--rate") ? Double.valueOf(o.get("--rate")) : null,
        o.containsKey("--mtu") ? Integer.valueOf(o.get("--mtu")) : null,
        mac);
  }

  private static SequenceResult dispatch(
      String sequence, LifecycleDriver d, Map<String, String> o, NicConfig nic) {
    return switch (sequence) {
      case "vm-start" -> d.vmStart(need(o, "--node-ns"), nic, need(o, "--vm-ns"));
      case "nic-hotplug" -> d.nicHotplug(need(o, "--node-ns"), nic, need(o, "--vm-ns"));
      case "nic-unplug" -> d.nicUnplug(need(o, "--node-ns"), nic);
      case "vm-stop" -> d.vmStop(need(o, "--node-ns"), nic);
      case "rate-change" -> d.rateChange(need(o, "--node-ns"), nic);
      case "bridge-change" -> d.bridgeChange(need(o, "--node-ns"), nic);
      case "nic-replace" -> d.nicReplace(need(o, "--node-ns"), nic, need(o, "--vm-ns"));
      case "ct-start" -> d.ctStart(need(o, "--node-ns"), nic, need(o, "--vm-ns"));
      case "ct-hotplug" -> d.ctHotplug(need(o, "--node-ns"), nic, need(o, "--vm-ns"));
      case "ct-stop" -> d.ctStop(need(o, "--node-ns"), nic);
      case "migrate-begin" -> d.beginMigration(need(o, "--node-ns"), nic, need(o, "--park-ns"));
      case "migrate-switchover" -> d.switchover(need(o, "--vm-ns"), need(o, "--park-ns"), nic);
      case "migrate-finish" -> d.finishMigration(need(o, "--node-ns"), nic, need(o, "--park-ns"));
      default -> throw new IllegalArgumentException("unknown sequence: " + sequence);
    };
  }

  private static String line(ObjectMapper json, String sequence, CommandResult r) {
    ObjectNode n = json.createObjectNode();
    n.put("sequence", sequence);
    n.putPOJO("argv", r.command().argv());
    n.put("exitCode", r.exitCode());
    n.put("stderr", r.stderr());
    n.put("startNanos", r.startNanos());
    n.put("endNanos", r.endNanos());
    n.put("failureTolerated", r.command().failureTolerated());
    n.put("actor", r.command().actor().name());
    n.put("origin", r.command().origin());
    return n.toString();
  }

  private static String need(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }
}
