package io.pvespan.controller.capture;

import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.server.OffsetBuffer;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The controller's live captures: at most {@link #MAX_RUNNING} at once; one its client has not read
 * for {@link #IDLE_MILLIS} is stopped (the CLI was killed or its pipe closed) and its agents'
 * captures cancelled; one that ended is forgotten after the same time.
 */
public final class Captures implements AutoCloseable {
  public static final int MAX_RUNNING = 4;
  static final long IDLE_MILLIS = 10_000;

  private record Entry(ClusterCapture capture, long[] touched) {}

  private final Supplier<ControllerSnapshot> snapshots;
  private final CaptureClient client;
  private final BiFunction<ControllerSnapshot, String, URI> agentUrl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pvespan-capture-reaper");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param agentUrl a node's agent base URL in a snapshot; throws {@link IllegalArgumentException}
   *     for a node without an address
   */
  public Captures(
      Supplier<ControllerSnapshot> snapshots,
      CaptureClient client,
      BiFunction<ControllerSnapshot, String, URI> agentUrl) {
    this.snapshots = snapshots;
    this.client = client;
    this.agentUrl = agentUrl;
    reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts a capture: its id and where it captures first. */
  public synchronized Started start(CaptureRequest request) throws CaptureRefused {
    List<CaptureTarget> targets = CaptureTargets.of(snapshots.get(), request);
    long running = entries.values().stream().filter(e -> !e.capture.output().ended()).count();
    if (running >= MAX_RUNNING) {
      throw new CaptureRefused(
          429, "already " + running + " captures running (at most " + MAX_RUNNING + ")");
    }
    byte[] b = new byte[8];
    random.nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    ClusterCapture c = new ClusterCapture(id, request, snapshots, client, agentUrl);
    entries.put(id, new Entry(c, new long[] {now()}));
    Thread t = new Thread(c, "pvespan-capture-" + id);
    t.setDaemon(true);
    t.start();
    return new Started(id, targets);
  }

  /** Bytes of a capture's pcap stream from {@code from}; empty for an unknown id. */
  public Optional<Read> read(String id, long from, int max, long waitMillis)
      throws InterruptedException {
    Entry e = entries.get(id);
    if (e == null) {
      return Optional.empty();
    }
    e.touched[0] = now();
    OffsetBuffer.Chunk c = e.capture.output().read(from, max, waitMillis);
    e.touched[0] = now();
    return Optional.of(new Read(c.offset(), c.bytes(), c.ended(), c.reason()));
  }

  /** Stops and forgets a capture; false for an unknown id. */
  public boolean cancel(String id) {
    Entry e = entries.remove(id);
    if (e == null) {
      return false;
    }
    e.capture.stop("cancelled");
    return true;
  }

  private void reap() {
    long now = now();
    entries.forEach(
        (id, e) -> {
          if (now - e.touched[0] > IDLE_MILLIS) {
            e.capture.stop("not read for " + IDLE_MILLIS / 1000 + " s");
            entries.remove(id);
          }
        });
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    entries.keySet().forEach(this::cancel);
  }

  public record Started(String id, List<CaptureTarget> targets) {}

  public record Read(long offset, byte[] bytes, boolean ended, String reason) {}
}
