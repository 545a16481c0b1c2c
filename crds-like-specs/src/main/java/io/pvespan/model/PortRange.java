package io.pvespan.model;

/** An inclusive range of TCP/UDP/SCTP ports, {@code from..to} within 1..65535 (one port: equal). */
public record PortRange(int from, int to) implements Comparable<PortRange> {
  public PortRange {
    if (from < 1 || from > 65535 || to < 1 || to > 65535) {
      throw new IllegalArgumentException(
          "port " + (from < 1 || from > 65535 ? from : to) + " is outside 1..65535");
    }
    if (from > to) {
      throw new IllegalArgumentException("port range " + from + "-" + to + " runs backwards");
    }
  }

  /** Parses {@code 443} or {@code 1024-65535}; throws IllegalArgumentException otherwise. */
  public static PortRange parse(String text) {
    if (text == null || !text.matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
      throw new IllegalArgumentException("'" + text + "' is not a port or a range like 1024-65535");
    }
    int dash = text.indexOf('-');
    if (dash < 0) {
      int p = Integer.parseInt(text);
      return new PortRange(p, p);
    }
    return new PortRange(
        Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
  }

  public boolean contains(int port) {
    return port >= from && port <= to;
  }

  public boolean single() {
    return from == to;
  }

  @Override
  public int compareTo(PortRange o) {
    return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
  }

  @Override
  public String toString() {
    return single() ? Integer.toString(from) : from + "-" + to;
  }
}
