package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ports} of a filter rule: one or more ports and ranges, any of which matches. Written
 * as {@code 443}, {@code "1024-65535"} or a list of those ({@code [80, 443, "8000-8090"]}); written
 * back as a list, single ports as numbers, so that a list of numbers reads as it always did. An
 * empty set is what the older {@code ports: []} wrote (it meant any port); rules treat it so.
 */
public record PortSet(List<PortRange> ranges) {
  /** More would not fit the 8-bit jumps of the compiled classic BPF program. */
  public static final int MAX_RANGES = 64;

  public PortSet {
    ranges = List.copyOf(ranges);
    if (ranges.size() > MAX_RANGES) {
      throw new IllegalArgumentException("ports lists at most " + MAX_RANGES + " ports or ranges");
    }
  }

  /** Single ports. */
  public static PortSet of(int... ports) {
    List<PortRange> r = new ArrayList<>();
    for (int p : ports) {
      r.add(new PortRange(p, p));
    }
    return new PortSet(r);
  }

  /** From YAML/JSON: a number, a {@code "N"} or {@code "N-M"} string, or a list of those. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PortSet fromJson(JsonNode node) {
    List<PortRange> r = new ArrayList<>();
    if (node != null && node.isArray()) {
      for (JsonNode item : node) {
        r.add(item(item));
      }
    } else {
      r.add(item(node));
    }
    return new PortSet(r);
  }

  private static PortRange item(JsonNode n) {
    if (n != null && n.isIntegralNumber() && n.canConvertToInt()) {
      return new PortRange(n.intValue(), n.intValue());
    }
    if (n != null && n.isTextual()) {
      return PortRange.parse(n.textValue());
    }
    throw new IllegalArgumentException(
        "'" + n + "' is not a port (1..65535) or a range like \"1024-65535\"");
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether any range holds {@code port}. */
  public boolean contains(int port) {
    return ranges.stream().anyMatch(r -> r.contains(port));
  }

  @JsonValue
  public List<Object> json() {
    List<Object> out = new ArrayList<>();
    for (PortRange r : ranges) {
      out.add(r.single() ? (Object) r.from() : r.toString());
    }
    return out;
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}
