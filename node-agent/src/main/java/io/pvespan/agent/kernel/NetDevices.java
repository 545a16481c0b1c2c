package io.pvespan.agent.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The device names in a {@code /proc/…/net/dev} table: two heading lines, then one line per device,
 * {@code name:} (right-aligned) followed by its counters. Read from {@code /proc/thread-self/net},
 * it is the network namespace of the calling thread, whatever the mounts of {@code /sys} show.
 */
final class NetDevices {
  private NetDevices() {}

  static Set<String> names(Path table) {
    try {
      return parse(Files.readString(table, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + table, e);
    }
  }

  static Set<String> parse(String table) {
    Set<String> names = new TreeSet<>();
    String[] lines = table.split("\n");
    for (int i = 2; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        names.add(lines[i].substring(0, colon).strip());
      }
    }
    return names;
  }
}
