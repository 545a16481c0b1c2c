package io.pvespan.lab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-size TCP transfer between two lab VMs with iperf3 (server in one VM's namespace, client
 * in the other's). The caller compares interface counters, not iperf3's own report: counters see
 * every byte on the wire, handshakes and ARP included, exactly as a mirror does.
 */
public final class Iperf {
  private static final int PORT = 5201;
  private static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);
  private static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);
  private static final long QUIET_GAP_MILLIS = 200;

  private Iperf() {}

  /**
   * Sends {@code bytes} from {@code clientVm} net0 to {@code serverVm} net0 and waits for the end.
   */
  public static void transfer(Lab lab, int clientVm, int serverVm, long bytes) {
    LabTopology t = lab.topology();
    transfer(lab, t.vmNs(clientVm), t.vmNs(serverVm), lab.address(serverVm, 0), bytes);
  }

  /**
   * Sends {@code bytes} from namespace {@code clientNs} to {@code serverAddr} in {@code serverNs}.
   */
  public static void transfer(
      Lab lab, String clientNs, String serverNs, String serverAddr, long bytes) {
    Process server =
        lab.startIn(
            serverNs,
            List.of(Exec.IPERF3, "-s", "-1", "-B", serverAddr, "-p", String.valueOf(PORT)),
            null);
    try {
      long deadline = System.nanoTime() + CONNECT_DEADLINE.toNanos();
      while (true) {
        var r =
            Exec.attempt(
                Duration.ofSeconds(60),
                List.of(
                    Exec.IP,
                    "netns",
                    "exec",
                    clientNs,
                    Exec.IPERF3,
                    "-c",
                    serverAddr,
                    "-p",
                    String.valueOf(PORT),
                    "-n",
                    String.valueOf(bytes),
                    "--connect-timeout",
                    "1000"));
        if (r.exitCode() == 0) {
          break;
        }
        // The server may not be listening yet: retry until the deadline (a real async effect).
        if (System.nanoTime() > deadline) {
          throw new LabException(
              "iperf3 from " + clientNs + " to " + serverAddr + ": " + lastLine(r));
        }
        pause();
      }
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        throw new LabException("iperf3 server in " + serverNs + " did not finish");
      }
      // iperf3 ends when its control channel says so, not when the last data segment (or the
      // reset that discards it) has crossed the wire: wait until both ends are quiet.
      awaitQuiet(clientNs, serverNs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    } finally {
      server.destroyForcibly();
    }
  }

  static void awaitQuiet(String clientNs, String serverNs) {
    long[] last = {-1};
    boolean quiet =
        Await.until(
            QUIET_DEADLINE,
            () -> {
              long now = totalBytes(clientNs) + totalBytes(serverNs);
              boolean same = now == last[0];
              last[0] = now;
              if (!same) {
                pauseFor(QUIET_GAP_MILLIS);
              }
              return same;
            });
    if (!quiet) {
      throw new LabException("traffic between " + clientNs + " and " + serverNs + " never stopped");
    }
  }

  /** All bytes on every link of a namespace (a VM has one or two). */
  private static long totalBytes(String ns) {
    long sum = 0;
    for (var link : KernelView.links(ns)) {
      if (!link.equals("lo")) {
        sum += LinkCounters.read(ns, link).totalBytes();
      }
    }
    return sum;
  }

  private static void pauseFor(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String lastLine(Exec.Result r) {
    String text = (r.stdout() + "\n" + r.stderr()).strip();
    int nl = text.lastIndexOf('\n');
    return nl < 0 ? text : text.substring(nl + 1);
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }
}
