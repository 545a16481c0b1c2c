package io.pvespan.agent.lab;

import io.pvespan.agent.kernel.NetnsName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on one device of a namespace into a pcap file, read back as frames (each as captured,
 * whole: snap length 262144): a kernel test's view of what a device really received.
 */
public final class PcapCapture implements AutoCloseable {
  private final Process tcpdump;
  private final Path file;

  private PcapCapture(Process tcpdump, Path file) {
    this.tcpdump = tcpdump;
    this.file = file;
  }

  /**
   * Starts tcpdump on {@code dev} in {@code ns} (inbound frames only) and waits until it listens.
   */
  public static PcapCapture start(NetnsName ns, String dev) {
    try {
      Path file = Files.createTempFile("pvespan-cond-", ".pcap");
      Process p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  ns.value(),
                  "tcpdump",
                  "--immediate-mode",
                  "-i",
                  dev,
                  "-Q",
                  "in",
                  "-U",
                  "-n",
                  "-s",
                  "0",
                  "-w",
                  file.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      // tcpdump says "listening on ..." on stderr once its socket is open.
      StringBuilder err = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!err.toString().contains("listening on") && System.nanoTime() < deadline) {
        int c = p.getErrorStream().read();
        if (c < 0) {
          throw new IllegalStateException("tcpdump ended: " + err);
        }
        err.append((char) c);
      }
      if (!err.toString().contains("listening on")) {
        p.destroy();
        throw new IllegalStateException("tcpdump did not start: " + err);
      }
      // "listening on" comes before the kernel hands the socket every frame: give it a moment.
      Thread.sleep(1000);
      return new PcapCapture(p, file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops tcpdump (after it flushed) and returns every frame it captured. */
  public List<byte[]> stop() {
    try {
      Thread.sleep(300); // frames in flight
      tcpdump.destroy();
      if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
        tcpdump.destroyForcibly();
      }
      return frames(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The frames of a classic pcap file (either byte order). */
  static List<byte[]> frames(byte[] pcap) {
    ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4) {
      b.order(ByteOrder.BIG_ENDIAN);
      if (b.getInt(0) != 0xa1b2c3d4) {
        throw new IllegalStateException(
            "not a pcap file: "
                + new String(pcap, 0, Math.min(16, pcap.length), StandardCharsets.ISO_8859_1));
      }
    }
    List<byte[]> out = new ArrayList<>();
    int at = 24;
    while (at + 16 <= pcap.length) {
      int caplen = b.getInt(at + 8);
      int origlen = b.getInt(at + 12);
      if (at + 16 + caplen > pcap.length) {
        break; // cut off by the stop
      }
      if (caplen != origlen) {
        throw new IllegalStateException("tcpdump cut a frame: " + caplen + " of " + origlen);
      }
      byte[] f = new byte[caplen];
      System.arraycopy(pcap, at + 16, f, 0, caplen);
      out.add(f);
      at += 16 + caplen;
    }
    return out;
  }

  @Override
  public void close() {
    tcpdump.destroyForcibly();
    try {
      if (!Boolean.getBoolean("pvespan.keepPcap")) Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file
    }
  }
}
