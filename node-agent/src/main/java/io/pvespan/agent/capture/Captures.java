package io.pvespan.agent.capture;

import io.pvespan.agent.kernel.Tcpdump;
import io.pvespan.server.OffsetBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's live captures, bounded: at most {@link #MAX_RUNNING} at once; one the controller has
 * not read for {@link #IDLE_MILLIS} is stopped (it disconnected or died) and one that ended is
 * forgotten after the same time. Captures create nothing in the kernel (see {@link Tcpdump}), so an
 * agent restart leaves nothing behind: its tcpdump processes lose their reader and exit at their
 * next write.
 */
public final class Captures implements AutoCloseable {
  public static final int MAX_RUNNING = 8;
  static final long IDLE_MILLIS = 10_000;

  /** Why a capture was not started: the caller's mistake (400) or the agent's bound (429). */
  public static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private record Entry(CaptureJob job, Thread thread, long[] touched) {}

  private final Tcpdump tcpdump;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pvespan-capture-reaper");
            t.setDaemon(true);
            return t;
          });

  public Captures(Tcpdump tcpdump) {
    this.tcpdump = tcpdump;
    reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts a capture; its id. */
  public synchronized String start(CaptureSpec spec) throws Refused {
    if (!tcpdump.available()) {
      throw new Refused(503, "tcpdump is not installed on this node");
    }
    long running = entries.values().stream().filter(e -> !e.job.buffer().ended()).count();
    if (running >= MAX_RUNNING) {
      throw new Refused(
          429, "already " + running + " captures running (at most " + MAX_RUNNING + ")");
    }
    byte[] b = new byte[8];
    random.nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    CaptureJob job = new CaptureJob(id, spec, tcpdump);
    Thread t = new Thread(job, "pvespan-capture-" + id);
    t.setDaemon(true);
    entries.put(id, new Entry(job, t, new long[] {now()}));
    t.start();
    return id;
  }

  /** Reads from a capture (see {@link OffsetBuffer#read}); empty for an unknown id. */
  public Optional<Read> read(String id, long from, int max, long waitMillis)
      throws InterruptedException {
    Entry e = entries.get(id);
    if (e == null) {
      return Optional.empty();
    }
    e.touched[0] = now();
    OffsetBuffer.Chunk c = e.job.buffer().read(from, max, waitMillis);
    e.touched[0] = now();
    return Optional.of(new Read(c.offset(), c.bytes(), c.ended(), c.reason()));
  }

  /** Stops and forgets a capture; false for an unknown id. */
  public boolean cancel(String id) {
    Entry e = entries.remove(id);
    if (e == null) {
      return false;
    }
    e.job.stop("cancelled");
    e.job.buffer().end("cancelled");
    return true;
  }

  /** Captures not ended yet. */
  public long running() {
    return entries.values().stream().filter(e -> !e.job.buffer().ended()).count();
  }

  private void reap() {
    long now = now();
    entries.forEach(
        (id, e) -> {
          if (now - e.touched[0] > IDLE_MILLIS) {
            e.job.stop("not read for " + IDLE_MILLIS / 1000 + " s");
            e.job.buffer().end("not read for " + IDLE_MILLIS / 1000 + " s");
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

  /** Bytes from stream offset {@code offset}; {@code ended}: the capture is over after them. */
  public record Read(long offset, byte[] bytes, boolean ended, String reason) {}
}
