package io.pvespan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/** A device's kernel counters, read with {@code ip -n NS -j -s link show dev DEV}. */
public record LinkCounters(long rxBytes, long rxPackets, long txBytes, long txPackets) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static LinkCounters read(String ns, String device) {
    String out = Exec.run(List.of(Exec.IP, "-n", ns, "-j", "-s", "link", "show", "dev", device));
    return parse(out, ns + "/" + device);
  }

  static LinkCounters parse(String json, String what) {
    try {
      JsonNode link = JSON.readTree(json).path(0);
      JsonNode stats = link.path("stats64");
      if (stats.isMissingNode()) {
        stats = link.path("stats");
      }
      JsonNode rx = stats.path("rx");
      JsonNode tx = stats.path("tx");
      if (!rx.has("bytes") || !tx.has("bytes")) {
        throw new LabException(what + ": no counters in ip -j -s output");
      }
      return new LinkCounters(
          rx.path("bytes").asLong(),
          rx.path("packets").asLong(),
          tx.path("bytes").asLong(),
          tx.path("packets").asLong());
    } catch (IOException e) {
      throw new LabException(what + ": unreadable ip -j output: " + e.getMessage(), e);
    }
  }

  /** Bytes in both directions: what a mirror of direction {@code both} copies. */
  public long totalBytes() {
    return rxBytes + txBytes;
  }

  /** The counts since {@code before}. */
  public LinkCounters minus(LinkCounters before) {
    return new LinkCounters(
        rxBytes - before.rxBytes,
        rxPackets - before.rxPackets,
        txBytes - before.txBytes,
        txPackets - before.txPackets);
  }
}
