package io.pvespan.lab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Traffic that keeps running while the lab changes under it: an iperf3 TCP flow in both directions
 * at once ({@code --bidir}), paced to a bit rate, for a fixed time. Unlike {@link Iperf#transfer}
 * it returns at once; {@link #await} waits for its end and for the wire to go quiet. A connection
 * that breaks (a migration that loses the guest) makes {@link #await} fail with iperf3's last line.
 */
public final class Traffic {
  private final String clientNs;
  private final String serverNs;
  private final Process server;
  private final Process client;
  private final java.nio.file.Path log;

  private Traffic(
      String clientNs, String serverNs, Process server, Process client, java.nio.file.Path log) {
    this.clientNs = clientNs;
    this.serverNs = serverNs;
    this.server = server;
    this.client = client;
    this.log = log;
  }

  /**
   * Starts a flow from {@code clientVm} net0 to {@code serverVm} net0 and back, {@code
   * bitsPerSecond} each way, for {@code duration}, to TCP {@code port} (one port per flow into the
   * same server); returns once the client runs.
   */
  public static Traffic start(
      Lab lab, int clientVm, int serverVm, int port, Duration duration, long bitsPerSecond) {
    LabTopology t = lab.topology();
    String clientNs = t.vmNs(clientVm);
    String serverNs = t.vmNs(serverVm);
    String addr = lab.address(serverVm, 0);
    java.nio.file.Path log;
    try {
      log = java.nio.file.Files.createTempFile("pvespan-traffic-", ".log");
    } catch (java.io.IOException e) {
      throw new LabException("cannot create a traffic log: " + e, e);
    }
    Process server =
        lab.startIn(
            serverNs,
            List.of(Exec.IPERF3, "-s", "-1", "-B", addr, "-p", String.valueOf(port)),
            null);
    Process client = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client == null) {
      Process c =
          lab.startIn(
              clientNs,
              List.of(
                  Exec.IPERF3,
                  "-c",
                  addr,
                  "-p",
                  String.valueOf(port),
                  "--bidir",
                  "-b",
                  String.valueOf(bitsPerSecond),
                  "-t",
                  String.valueOf(Math.max(1, duration.toSeconds())),
                  "--connect-timeout",
                  "1000"),
              log);
      // The server may not listen yet: a client that exits at once is retried.
      boolean exited = waitFor(c, 300);
      if (!exited) {
        client = c;
      } else if (System.nanoTime() > deadline) {
        throw new LabException("iperf3 from " + clientNs + " to " + addr + " did not start");
      }
    }
    return new Traffic(clientNs, serverNs, server, client, log);
  }

  /** Waits until the flow ended and no byte moves on either end any more. */
  public void await(Duration timeout) {
    try {
      if (!client.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LabException("traffic " + clientNs + " -> " + serverNs + " did not end");
      }
      server.waitFor(5, TimeUnit.SECONDS);
      if (client.exitValue() != 0) {
        throw new LabException(
            "traffic " + clientNs + " -> " + serverNs + " failed: " + LabCluster.tail(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    } finally {
      server.destroyForcibly();
      client.destroyForcibly();
    }
    Iperf.awaitQuiet(clientNs, serverNs);
  }

  private static boolean waitFor(Process p, long millis) {
    try {
      return p.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }
}
