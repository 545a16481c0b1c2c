package io.pvespan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sensor sees: tcpdump on a sensor's NIC (or a collector's decapsulating device) while
 * traffic runs, written to a pcap file, then read back: the first frames as tcpdump prints them,
 * the largest frame (a GSO super-frame from a local mirror is far above the MTU), and how many TCP
 * frames carry a checksum tcpdump calls incorrect (a partial checksum, left to an offload that a
 * mirror copy never gets: a checksum-validating IDS drops those frames).
 */
public final class SensorCapture {
  public static final String TCPDUMP = "/usr/bin/tcpdump";
  private static final Pattern FRAME_LENGTH = Pattern.compile(", length (\\d+):");
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String what;
  private final Path file;
  private final Process process;

  /** What was seen. */
  public record Summary(
      String what,
      long frames,
      long largest,
      long tcpFrames,
      long badChecksums,
      List<String> first) {}

  private SensorCapture(String what, Path file, Process process) {
    this.what = what;
    this.file = file;
    this.process = process;
  }

  /**
   * Starts tcpdump on {@code device} in {@code ns} (received frames only, whole, no name lookups),
   * writing to {@code dir}; returns once tcpdump listens.
   */
  public static SensorCapture start(Lab lab, String ns, String device, String what, Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(ns + "-" + device + ".pcap");
      Path log = dir.resolve(ns + "-" + device + ".tcpdump.log");
      Files.deleteIfExists(file);
      Files.deleteIfExists(log);
      Process p =
          lab.startIn(
              ns,
              List.of(
                  TCPDUMP, "-nn", "-U", "-Q", "in", "-s", "0", "-i", device, "-w", file.toString()),
              log);
      boolean listening =
          Await.until(
              Duration.ofSeconds(5),
              () -> {
                try {
                  return Files.exists(log) && Files.readString(log).contains("listening on");
                } catch (IOException e) {
                  return false;
                }
              });
      if (!listening || !p.isAlive()) {
        p.destroyForcibly();
        throw new LabException("tcpdump on " + ns + "/" + device + " did not start: see " + log);
      }
      return new SensorCapture(what, file, p);
    } catch (IOException e) {
      throw new LabException("capture on " + ns + "/" + device + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops tcpdump (SIGTERM) once its file has stopped growing: frames it received but has not yet
   * written would be lost to the summary.
   */
  public void halt() {
    long[] last = {-1};
    Await.until(
        Duration.ofSeconds(3),
        () -> {
          long now = file.toFile().length();
          boolean same = now == last[0];
          last[0] = now;
          try {
            Thread.sleep(150);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return same;
        });
    process.destroy();
    try {
      process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** The pcap file tcpdump writes (complete after {@link #halt}). */
  public Path file() {
    return file;
  }

  /** IPv4 frames received and how many of them are distinct (byte for byte). */
  public record Copies(String what, long frames, long distinct, List<String> repeated) {
    @Override
    public String toString() {
      return String.format("%s: %,d IPv4 frames, %,d distinct", what, frames, distinct)
          + (repeated.isEmpty() ? "" : "; repeated, e.g.: " + String.join(" | ", repeated));
    }
  }

  /**
   * Reads the pcap file back (after {@link #halt}) and counts its IPv4 frames and the distinct
   * ones: a packet the sensor got twice (from both ends of a conversation, or from two sessions) is
   * two equal frames. Left out, as two different packets there can be equal byte for byte: ARP and
   * IPv6 (a resent ARP request), and IPv4 with IP ID 0 (RSTs and time-wait ACKs the kernel sends
   * from no socket; two fresh-clone runs saw 88 and 221 such repeats from an iperf3 server port).
   */
  public Copies ipv4Copies() {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new LabException("cannot read " + file + ": " + e.getMessage());
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all);
    if (all.length < 24) {
      throw new LabException(file + " is not a pcap file (" + all.length + " bytes)");
    }
    int magic = b.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      b.order(java.nio.ByteOrder.BIG_ENDIAN);
    }
    long frames = 0;
    java.util.Set<java.nio.ByteBuffer> distinct = new java.util.HashSet<>();
    List<String> repeated = new java.util.ArrayList<>();
    int at = 24;
    while (at + 16 <= all.length) {
      int captured = b.getInt(at + 8);
      int start = at + 16;
      if (captured < 0 || start + captured > all.length) {
        break; // the last record, cut short when tcpdump stopped
      }
      // IP ID 0: a packet the kernel sends from no socket (a RST, a time-wait ACK); two of those
      // for two different packets can be equal byte for byte, so they prove nothing either way.
      if (captured >= 34
          && (all[start + 12] & 0xff) == 0x08
          && all[start + 13] == 0x00
          && (all[start + 18] != 0 || all[start + 19] != 0)) {
        frames++;
        byte[] frame = java.util.Arrays.copyOfRange(all, start, start + captured);
        if (!distinct.add(java.nio.ByteBuffer.wrap(frame)) && repeated.size() < 5) {
          repeated.add(describe(frame));
        }
      }
      at = start + captured;
    }
    return new Copies(what, frames, distinct.size(), repeated);
  }

  /** Ethernet source and destination, IP protocol, addresses and ports of an IPv4 frame. */
  private static String describe(byte[] f) {
    StringBuilder b = new StringBuilder();
    for (int i = 6; i < 12; i++) {
      b.append(String.format(i == 6 ? "%02x" : ":%02x", f[i]));
    }
    b.append(" > ");
    for (int i = 0; i < 6; i++) {
      b.append(String.format(i == 0 ? "%02x" : ":%02x", f[i]));
    }
    if (f.length >= 38) {
      int ihl = (f[14] & 0xf) * 4;
      b.append(
          String.format(
              " proto %d %d.%d.%d.%d > %d.%d.%d.%d",
              f[23] & 0xff,
              f[26] & 0xff,
              f[27] & 0xff,
              f[28] & 0xff,
              f[29] & 0xff,
              f[30] & 0xff,
              f[31] & 0xff,
              f[32] & 0xff,
              f[33] & 0xff));
      if (f.length >= 14 + ihl + 4) {
        int sp = ((f[14 + ihl] & 0xff) << 8) | (f[15 + ihl] & 0xff);
        int dp = ((f[16 + ihl] & 0xff) << 8) | (f[17 + ihl] & 0xff);
        b.append(" ports ").append(sp).append(" > ").append(dp);
      }
    }
    return b.toString() + " (" + f.length + " B)";
  }

  /** Reads the file back (after {@link #halt}): {@code show} frames as tcpdump prints them. */
  public Summary read(int show) {
    List<String> first =
        Exec.run(
                READ_TIMEOUT,
                List.of(TCPDUMP, "-nn", "-e", "-c", String.valueOf(show), "-r", file.toString()))
            .lines()
            .toList();
    String verbose =
        Exec.run(READ_TIMEOUT, List.of(TCPDUMP, "-nn", "-e", "-vv", "-r", file.toString()));
    return summarize(what, verbose, first);
  }

  /**
   * Counts {@code tcpdump -nn -e -vv} output: a frame starts on a line without indentation, its
   * Ethernet length in ", length N:"; a TCP frame's line has "cksum" and "Flags", with "incorrect"
   * when the checksum does not verify.
   */
  static Summary summarize(String what, String verbose, List<String> first) {
    long frames = 0;
    long largest = 0;
    long tcp = 0;
    long bad = 0;
    for (String line : verbose.lines().toList()) {
      if (line.isEmpty()) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0))) {
        frames++;
        Matcher m = FRAME_LENGTH.matcher(line);
        if (m.find()) {
          largest = Math.max(largest, Long.parseLong(m.group(1)));
        }
      }
      if (line.contains("Flags [") && line.contains("cksum")) {
        tcp++;
        if (line.contains("incorrect")) {
          bad++;
        }
      }
    }
    return new Summary(what, frames, largest, tcp, bad, first);
  }
}
