package io.pvespan.agent.kernel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.model.InterfaceName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses iproute2's JSON ({@code ip -j -d link}, {@code tc -j -s qdisc/filter show}). */
final class TcJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TcJson() {}

  /** The top-level JSON values of a batch's output, in order (tc prints one array per line). */
  static List<JsonNode> arrays(String text) {
    // Not ObjectReader.readValues: it unwraps a leading top-level array into its elements.
    List<JsonNode> out = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(text)) {
      while (p.nextToken() != null) {
        out.add(JSON.readTree(p));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "iproute2 printed JSON that does not parse: " + e.getMessage(), e);
    }
    return out;
  }

  static Map<InterfaceName, ObservedLink> links(String text) {
    Map<InterfaceName, ObservedLink> links = new LinkedHashMap<>();
    JsonNode array;
    try {
      array = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("ip printed JSON that does not parse: " + e.getMessage(), e);
    }
    for (JsonNode l : array) {
      InterfaceName name = nameOrNull(l.path("ifname").asText(null));
      if (name == null) {
        continue; // a name we could never have planned or created
      }
      boolean up = false;
      for (JsonNode f : l.path("flags")) {
        up |= "UP".equals(f.asText());
      }
      JsonNode info = l.path("linkinfo");
      String kind = info.path("info_kind").asText(null);
      links.put(
          name,
          new ObservedLink(
              name,
              kind,
              up,
              l.path("mtu").asInt(),
              l.path("qdisc").asText(null),
              tunnel(kind, info.path("info_data")),
              l.path("ifindex").asInt()));
    }
    return links;
  }

  private static ObservedLink.TunnelParams tunnel(String kind, JsonNode d) {
    if (kind == null || d.isMissingNode()) {
      return null;
    }
    return switch (kind) {
      case "vxlan", "geneve" ->
          new ObservedLink.TunnelParams(
              kind,
              d.has("id") ? d.path("id").asLong() : null,
              text(d, "local"),
              text(d, "remote"),
              d.has("port") ? d.path("port").asInt() : null);
      case "gretap", "gre", "erspan" ->
          new ObservedLink.TunnelParams(kind, key(d), text(d, "local"), text(d, "remote"), null);
      default -> null;
    };
  }

  /** GRE keys print as a number or as a dotted quad, depending on the iproute2 version. */
  private static Long key(JsonNode d) {
    JsonNode k = d.has("okey") ? d.get("okey") : d.get("ikey");
    if (k == null) {
      return null;
    }
    if (k.isNumber()) {
      return k.asLong();
    }
    String[] parts = k.asText().split("\\.");
    if (parts.length != 4) {
      return null;
    }
    long v = 0;
    for (String p : parts) {
      v = (v << 8) | (Long.parseLong(p) & 0xFF);
    }
    return v;
  }

  private static String text(JsonNode d, String field) {
    String v = d.path(field).asText(null);
    return v == null || v.isEmpty() || "any".equals(v) ? null : v;
  }

  /** {@code devOrNull}: the device of a {@code qdisc show dev X} answer (which names none). */
  static List<ObservedQdisc> qdiscs(JsonNode array, InterfaceName devOrNull) {
    List<ObservedQdisc> out = new ArrayList<>();
    for (JsonNode q : array) {
      InterfaceName dev = devOrNull != null ? devOrNull : nameOrNull(q.path("dev").asText(null));
      if (dev != null) {
        out.add(
            new ObservedQdisc(
                dev,
                q.path("kind").asText(),
                q.path("handle").asText(),
                q.path("root").asBoolean(false),
                q.path("drops").asLong(0)));
      }
    }
    return out;
  }

  /**
   * One record per priority. tc prints a header entry per priority and one entry per filter handle;
   * actions sit in the handle entries. A priority is ours when any action carries our cookie.
   */
  static List<ObservedFilter> filters(InterfaceName dev, TcSide side, JsonNode array) {
    Map<Integer, ObservedFilter> byPrio = new LinkedHashMap<>();
    for (JsonNode f : array) {
      int prio = f.path("pref").asInt();
      String kind = f.path("kind").asText();
      ObservedFilter seen = byPrio.get(prio);
      ObservedFilter found = null;
      for (JsonNode a : f.path("options").path("actions")) {
        OwnershipCookie cookie = OwnershipCookie.parseOrNull(a.path("cookie").asText(null));
        if (cookie != null && found == null) {
          JsonNode stats = a.path("stats");
          found =
              new ObservedFilter(
                  dev,
                  side,
                  prio,
                  kind,
                  cookie,
                  a.path("to_dev").asText(null),
                  a.path("mirred_action").asText(null),
                  a.path("control_action").path("type").asText(null),
                  stats.path("bytes").asLong(),
                  stats.path("packets").asLong());
        }
      }
      if (found != null && (seen == null || !seen.ours())) {
        byPrio.put(prio, found);
      } else if (seen == null) {
        byPrio.put(prio, new ObservedFilter(dev, side, prio, kind, null, null, null, null, 0, 0));
      }
    }
    return new ArrayList<>(byPrio.values());
  }

  private static InterfaceName nameOrNull(String text) {
    try {
      return text == null ? null : InterfaceName.of(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
