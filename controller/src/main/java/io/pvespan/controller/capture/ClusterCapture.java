package io.pvespan.controller.capture;

import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.server.OffsetBuffer;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture through the controller: a stream per {@link CaptureTarget} (an agent capture, read in
 * a loop on a thread of its own), merged by {@link PcapMerge} into one pcap stream in {@link
 * #output()}. The targets are worked out again every second, so a device the plans start listing (a
 * migration's target node, a new guest) joins while the capture runs; a stream stays until the end
 * (its device may come back). Ends at the duration or byte limit, on {@link #stop}, or when every
 * stream was refused for good.
 */
final class ClusterCapture implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCapture.class);

  /** Longer than the spread of the agents' delivery delays, so their frames fall into place. */
  static final long HOLD_MILLIS = 1000;

  static final long DUPLICATE_WINDOW_MICROS = 50_000;
  static final long TICK_MILLIS = 100;

  private final String id;
  private final CaptureRequest request;
  private final Supplier<ControllerSnapshot> snapshots;
  private final CaptureClient client;
  private final BiFunction<ControllerSnapshot, String, URI> agentUrl;

  /**
   * The merged pcap until the CLI reads it: the merge waits while 4 MiB are unread, so a slow
   * client slows the agents' reads (the kernel then drops copies at tcpdump's socket, never
   * production traffic) instead of growing the controller's memory.
   */
  private final OffsetBuffer output = new OffsetBuffer(4 * 1024 * 1024);

  private final PcapMerge merge = new PcapMerge(HOLD_MILLIS, DUPLICATE_WINDOW_MICROS);
  private final Map<CaptureTarget, AgentStream> streams = new LinkedHashMap<>();
  private volatile String stopReason;
  private long recordBytes;

  ClusterCapture(
      String id,
      CaptureRequest request,
      Supplier<ControllerSnapshot> snapshots,
      CaptureClient client,
      BiFunction<ControllerSnapshot, String, URI> agentUrl) {
    this.id = id;
    this.request = request;
    this.snapshots = snapshots;
    this.client = client;
    this.agentUrl = agentUrl;
  }

  OffsetBuffer output() {
    return output;
  }

  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    output.end(reason); // also frees a merge waiting for room nobody will read
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    long end = start + request.duration().toNanos();
    long nextRefresh = 0;
    String reason = "duration reached";
    try {
      output.append(PcapRecord.globalHeader());
      while (stopReason == null && System.nanoTime() < end) {
        long now = millis();
        if (now >= nextRefresh) {
          refresh(end);
          nextRefresh = now + 1000;
        }
        if (!write(drain(now))) {
          reason = "byte limit reached";
          break;
        }
        String failed = allRefused();
        if (failed != null) {
          reason = failed;
          break;
        }
        Thread.sleep(TICK_MILLIS);
      }
      if (stopReason == null && reason.equals("duration reached")) {
        // Frames of the last moments may still be on their way from an agent.
        Thread.sleep(HOLD_MILLIS);
      }
      streams.values().forEach(AgentStream::stop);
      List<PcapRecord> rest;
      synchronized (merge) {
        rest = merge.flush();
      }
      long endMicros = System.currentTimeMillis() * 1000;
      write(rest.stream().filter(r -> r.micros() <= endMicros).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = "controller stopping";
    } finally {
      streams.values().forEach(AgentStream::stop);
    }
    if (stopReason != null) {
      reason = stopReason;
    }
    LOG.info(
        "capture {} of session {}{} ended: {} ({} record bytes, {} duplicates left out)",
        id,
        request.session(),
        request.vm().map(v -> " VM " + v).orElse(""),
        reason,
        recordBytes,
        merge.duplicates());
    output.end(reason);
  }

  private List<PcapRecord> drain(long now) {
    synchronized (merge) {
      return merge.drain(now);
    }
  }

  /** Writes records up to the byte limit; false once it is reached. */
  private boolean write(List<PcapRecord> records) throws InterruptedException {
    for (PcapRecord r : records) {
      byte[] bytes = r.encode();
      if (recordBytes + bytes.length > request.maxBytes()) {
        return false;
      }
      if (!output.append(bytes)) {
        return true;
      }
      recordBytes += bytes.length;
    }
    return true;
  }

  private void refresh(long endNanos) {
    ControllerSnapshot s = snapshots.get();
    List<CaptureTarget> targets;
    try {
      targets = CaptureTargets.of(s, request);
    } catch (CaptureRefused e) {
      return; // the session or VM left the plans for now: keep the streams there are
    }
    for (CaptureTarget t : targets) {
      if (streams.containsKey(t)) {
        continue;
      }
      URI url;
      try {
        url = agentUrl.apply(s, t.node());
      } catch (IllegalArgumentException e) {
        continue; // a node without an address: it has no agent to ask
      }
      AgentStream stream = new AgentStream(streams.size(), t, url, endNanos);
      streams.put(t, stream);
      Thread th = new Thread(stream, "pvespan-capture-" + id + "-" + stream.number);
      th.setDaemon(true);
      th.start();
    }
  }

  private String allRefused() {
    if (streams.isEmpty()) {
      return null;
    }
    List<String> reasons = new ArrayList<>();
    for (AgentStream s : streams.values()) {
      if (s.refused == null) {
        return null;
      }
      reasons.add(s.target.node() + " " + s.target.device() + ": " + s.refused);
    }
    return "every agent refused: " + String.join("; ", reasons);
  }

  private static long millis() {
    return System.nanoTime() / 1_000_000;
  }

  /** One agent's capture of one device, read in a loop; a failed call is retried a second later. */
  private final class AgentStream implements Runnable {
    final int number;
    final CaptureTarget target;
    final URI agent;
    final long endNanos;
    volatile boolean stopped;
    volatile String refused;
    private volatile String agentId;

    AgentStream(int number, CaptureTarget target, URI agent, long endNanos) {
      this.number = number;
      this.target = target;
      this.agent = agent;
      this.endNanos = endNanos;
    }

    void stop() {
      stopped = true;
      String a = agentId;
      if (a != null) {
        client.cancel(agent, target.node(), a);
      }
    }

    @Override
    public void run() {
      while (!stopped && System.nanoTime() < endNanos) {
        try {
          once();
          return;
        } catch (CaptureClient.Refused e) {
          refused = e.getMessage();
          LOG.warn("capture {}: {} {}: {}", id, target.node(), target.device(), e.getMessage());
          return;
        } catch (IOException e) {
          LOG.info("capture {}: {} {}: {}", id, target.node(), target.device(), e.toString());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    private void once() throws IOException {
      long left = Math.max(1, (endNanos - System.nanoTime()) / 1_000_000_000 + 2);
      String a =
          client.start(
              agent,
              target.node(),
              request.session(),
              target.device(),
              target.direction(),
              request.filter(),
              rules(),
              java.time.Duration.ofSeconds(left),
              Math.min(request.maxBytes() + 24, CaptureRequest.MAX_BYTES));
      agentId = a;
      PcapParser parser = new PcapParser(number);
      long from = 0;
      try {
        while (!stopped) {
          CaptureClient.Chunk c = read(a, from);
          List<PcapRecord> records = parser.feed(c.bytes());
          long now = millis();
          synchronized (merge) {
            records.forEach(r -> merge.add(r, now));
          }
          from = c.offset() + c.bytes().length;
          if (c.ended()) {
            return;
          }
        }
      } finally {
        agentId = null;
        client.cancel(agent, target.node(), a);
      }
    }

    /** The session's filter rules in force (the agent keeps what they mirror). */
    private List<io.pvespan.spec.FilterRule> rules() {
      ControllerSnapshot s = snapshots.get();
      if (s.specs() == null) {
        return List.of();
      }
      return s.specs().sessions().stream()
          .filter(m -> m.name().equals(request.session()))
          .findFirst()
          .map(m -> m.spec().filter())
          .orElse(List.of());
    }

    /**
     * A read, tried again for a while when the call fails: the agent keeps the bytes from {@code
     * from} on, so a retried read loses nothing.
     */
    private CaptureClient.Chunk read(String a, long from) throws IOException {
      for (int attempt = 1; ; attempt++) {
        try {
          return client.read(agent, target.node(), a, from);
        } catch (CaptureClient.Refused e) {
          throw e;
        } catch (IOException e) {
          if (attempt >= 10 || stopped) {
            throw e;
          }
          try {
            Thread.sleep(500);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }
  }
}
