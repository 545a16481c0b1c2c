package io.pvespan.agent.canary;

import io.pvespan.agent.canary.CanaryFrame.CanaryKey;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.PacketSocket;
import io.pvespan.agent.kernel.Tcpdump;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.CanaryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's canaries ({@code docs/canaries.md}). Every interval, on one thread of its own (in a
 * lab namespace: joined with setns), it sends one signed {@link CanaryFrame} per (session, target
 * device) of the mirrors the reconciler reports active, into that target device — the sensor's tap
 * for a local sensor, our tunnel device for a remote one — and keeps one {@code tcpdump} per sensor
 * device this node delivers to, counting the canaries that leave toward the sensor guest. Never
 * touches a qdisc or filter: a canary only travels where copies travel.
 */
public final class Canaries implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Canaries.class);

  private final String node;
  private final Optional<NetnsName> netns;
  private final CanaryKey key;
  private final Duration interval;
  private final Supplier<Optional<NodeMirrorPlan>> plan;
  private final Supplier<NodeMirrorStatus> status;
  private final Tcpdump tcpdump;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<CanaryTargets.Send, CanaryStatus.Sent> sent = new ConcurrentHashMap<>();

  /** Rows of {@link #received} at most: sessions × source nodes × sensor devices of a cluster. */
  static final int MAX_RECEIVED = 4096;

  private final Map<String, CanaryStatus.Received> received = new ConcurrentHashMap<>();
  private final Map<InterfaceName, Listener> listeners = new HashMap<>();
  private volatile Map<InterfaceName, Set<String>> watched = Map.of();
  private final ScheduledExecutorService thread;
  private PacketSocket socket;
  private String socketProblem;

  public Canaries(
      String node,
      Optional<NetnsName> netns,
      CanaryKey key,
      Duration interval,
      Supplier<Optional<NodeMirrorPlan>> plan,
      Supplier<NodeMirrorStatus> status,
      Tcpdump tcpdump,
      Clock clock) {
    this.node = node;
    this.netns = netns;
    this.key = key;
    this.interval = interval;
    this.plan = plan;
    this.status = status;
    this.tcpdump = tcpdump;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pvespan-canary");
              t.setDaemon(true);
              return t;
            });
  }

  /** Opens the socket on the canary thread, then ticks every interval. */
  public void start() {
    thread.execute(this::openSocket);
    thread.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void openSocket() {
    try {
      if (netns.isPresent()) {
        PacketSocket.joinNamespace(netns.get());
      }
      socket = PacketSocket.open();
    } catch (IOException e) {
      socketProblem = e.getMessage();
      LOG.error("canaries cannot be sent: {}", e.getMessage());
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException | LinkageError e) {
      // Caught so the executor keeps this thread: a new one would not be in the lab namespace.
      LOG.warn("canary round failed: {}", e.toString());
    }
  }

  /** One round: send the canaries and keep the listeners in line with the plan. */
  void tick() {
    Optional<NodeMirrorPlan> p = plan.get();
    if (p.isEmpty()) {
      return;
    }
    Set<CanaryTargets.Send> sends = CanaryTargets.sends(p.get(), status.get().entries());
    sent.keySet().retainAll(sends);
    for (CanaryTargets.Send s : sends) {
      long seq = sequence.incrementAndGet();
      Instant now = clock.instant();
      String error = socketProblem;
      if (socket != null) {
        try {
          socket.send(
              s.device(), new CanaryFrame(s.session(), node, seq, now.toEpochMilli()).encode(key));
        } catch (IOException | IllegalArgumentException e) {
          error = e.getMessage();
        }
      }
      sent.put(s, new CanaryStatus.Sent(s.session(), s.device().value(), seq, now, error));
    }
    listen(CanaryTargets.watches(p.get()));
  }

  private synchronized void listen(Map<InterfaceName, Set<String>> wanted) {
    watched = wanted;
    received
        .values()
        .removeIf(
            r ->
                !wanted.getOrDefault(InterfaceName.of(r.device()), Set.of()).contains(r.session()));
    listeners
        .entrySet()
        .removeIf(
            e -> {
              boolean drop = !wanted.containsKey(e.getKey()) || !e.getValue().process.isAlive();
              if (drop) {
                e.getValue().process.destroy();
              }
              return drop;
            });
    for (InterfaceName dev : wanted.keySet()) {
      if (listeners.containsKey(dev) || !tcpdump.available() || !tcpdump.mayExist(dev)) {
        continue;
      }
      try {
        Process proc = tcpdump.startCanaryListener(dev);
        Thread reader = new Thread(() -> read(dev, proc), "pvespan-canary-" + dev);
        reader.setDaemon(true);
        reader.start();
        Thread errors =
            new Thread(() -> drain(dev, proc.getErrorStream()), "pvespan-canary-err-" + dev);
        errors.setDaemon(true);
        errors.start();
        listeners.put(dev, new Listener(proc));
      } catch (IOException e) {
        LOG.warn("canary listener on {}: {}", dev, e.getMessage());
      }
    }
  }

  private void read(InterfaceName dev, Process proc) {
    try (InputStream in = proc.getInputStream()) {
      PcapReader.read(in, frame -> counted(dev, frame));
    } catch (IOException e) {
      // the device went away or the listener was stopped; the next round starts a new one
    } finally {
      proc.destroy();
    }
  }

  /** A frame that left {@code dev} toward the sensor: counted if it is a canary due there. */
  void counted(InterfaceName dev, byte[] frame) {
    Optional<CanaryFrame> c = CanaryFrame.decode(frame, key);
    if (c.isEmpty() || !watched.getOrDefault(dev, Set.of()).contains(c.get().session())) {
      return;
    }
    Instant now = clock.instant();
    if (c.get().sentAtMillis() > now.plus(interval).toEpochMilli()) {
      // Sent "later" than one interval from now: a source clock far ahead, or a frame made to
      // stay fresh when replayed. Not counted.
      return;
    }
    // Verified "as of" the source's send time: a replayed old canary never looks fresh, and a
    // source clock ahead of ours is not believed beyond our own now.
    Instant sentAt = Instant.ofEpochMilli(Math.min(c.get().sentAtMillis(), now.toEpochMilli()));
    String k = c.get().session() + "\0" + c.get().sourceNode() + "\0" + dev.value();
    if (received.size() >= MAX_RECEIVED && !received.containsKey(k)) {
      return; // bounded: unsigned canaries (no token) could name any number of source nodes
    }
    received.merge(
        k,
        new CanaryStatus.Received(
            c.get().session(),
            c.get().sourceNode(),
            dev.value(),
            c.get().sequence(),
            sentAt,
            now,
            1),
        (old, fresh) ->
            new CanaryStatus.Received(
                old.session(),
                old.sourceNode(),
                old.device(),
                fresh.sentAt().isAfter(old.sentAt()) ? fresh.sequence() : old.sequence(),
                fresh.sentAt().isAfter(old.sentAt()) ? fresh.sentAt() : old.sentAt(),
                now,
                old.count() + 1));
  }

  /** tcpdump's messages; its last one is logged when it ends (why a listener stopped). */
  private static void drain(InterfaceName dev, InputStream err) {
    String last = null;
    try (java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(err, java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        last = line.length() > 300 ? line.substring(0, 300) : line;
      }
    } catch (IOException e) {
      // the listener was stopped
    }
    LOG.warn("canary listener on {} ended{}", dev, last == null ? "" : ": " + last);
  }

  /** What the status reports. */
  public CanaryStatus report() {
    Comparator<CanaryStatus.Sent> bySent =
        Comparator.comparing(CanaryStatus.Sent::session).thenComparing(CanaryStatus.Sent::device);
    Comparator<CanaryStatus.Received> byReceived =
        Comparator.comparing(CanaryStatus.Received::session)
            .thenComparing(CanaryStatus.Received::sourceNode)
            .thenComparing(CanaryStatus.Received::device);
    return new CanaryStatus(
        interval.toMillis(),
        key.authenticated(),
        sent.values().stream().sorted(bySent).toList(),
        received.values().stream().sorted(byReceived).toList(),
        !watched.isEmpty() && !tcpdump.available()
            ? "tcpdump is not installed: canaries arriving at this node's sensors are not counted"
            : null);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    synchronized (this) {
      listeners.values().forEach(l -> l.process.destroy());
      listeners.clear();
    }
    if (socket != null) {
      socket.close();
    }
  }

  private record Listener(Process process) {}
}
