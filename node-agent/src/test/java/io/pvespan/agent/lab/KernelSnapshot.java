package io.pvespan.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.agent.kernel.NetnsName;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a namespace's kernel holds for tc and links, as JSON with the statistics removed (they
 * change by themselves): {@code ip -j -d link show}, {@code tc -j -s qdisc show}, and {@code tc -j
 * -s filter show} for every device on its ingress qdisc and on every other qdisc handle. Two
 * snapshots are equal when nothing was added, removed or changed. Also removed, as they change by
 * themselves: bridge timers ({@code *_timer}) and {@code operstate} (a new bridge goes from UNKNOWN
 * to UP on its own).
 */
public final class KernelSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Counters and timestamps of qdiscs, classes, filters and actions.
  private static final Set<String> STATISTICS =
      Set.of(
          "stats",
          "stats64",
          "xstats",
          "bytes",
          "packets",
          "drops",
          "overlimits",
          "requeues",
          "backlog",
          "qlen",
          "direct_packets_stat",
          "installed",
          "last_used",
          "first_used",
          "expires",
          "hit",
          "hits",
          "success",
          "pcnt");

  private KernelSnapshot() {}

  /** The snapshot of {@code ns} as canonical JSON text. */
  public static String of(NetnsName ns) {
    ObjectNode out = JSON.createObjectNode();
    out.set("links", stripped(json("ip", "-n", ns.value(), "-j", "-d", "link", "show")));
    JsonNode qdiscs = json("tc", "-n", ns.value(), "-j", "-s", "qdisc", "show");
    out.set("qdiscs", stripped(qdiscs));
    ObjectNode filters = out.putObject("filters");
    Set<String> devices = new TreeSet<>();
    qdiscs.forEach(q -> devices.add(q.path("dev").asText()));
    for (String dev : devices) {
      for (JsonNode q : qdiscs) {
        if (!q.path("dev").asText().equals(dev)) {
          continue;
        }
        String kind = q.path("kind").asText();
        String handle = q.path("handle").asText();
        if ("ingress".equals(kind) || "clsact".equals(kind)) {
          filters.set(dev + " ingress", filtersOf(ns, dev, "ingress"));
          if ("clsact".equals(kind)) {
            filters.set(dev + " egress", filtersOf(ns, dev, "egress"));
          }
        } else if (!handle.isEmpty() && !"0:".equals(handle)) {
          filters.set(dev + " parent " + handle, filtersOf(ns, dev, "parent", handle));
        }
      }
    }
    return out.toString();
  }

  private static JsonNode filtersOf(NetnsName ns, String dev, String... where) {
    java.util.List<String> argv =
        new java.util.ArrayList<>(
            java.util.List.of("tc", "-n", ns.value(), "-j", "-s", "filter", "show", "dev", dev));
    argv.addAll(java.util.List.of(where));
    return stripped(json(argv.toArray(String[]::new)));
  }

  private static JsonNode json(String... argv) {
    String text = Lab.sh(argv);
    try {
      return text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", argv) + ": not JSON: " + e.getMessage());
    }
  }

  private static JsonNode stripped(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (STATISTICS.contains(name) || name.endsWith("_timer") || "operstate".equals(name)) {
          it.remove();
        } else {
          stripped(o.get(name));
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(KernelSnapshot::stripped);
    }
    return node;
  }
}
