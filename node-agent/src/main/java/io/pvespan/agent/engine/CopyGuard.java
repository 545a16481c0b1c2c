package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.KernelCommandException;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy guard: bounds the CPU a budgeted session spends cloning copies its budget would drop.
 * Every interval it reads how many bytes the guest devices' filters cloned into each budgeted
 * conditioner pair (their mirred counters, exact; with a snaplen at most snaplen bytes per copy,
 * what the budget's tbf sees after the cut), and chooses per pair a factor G ({@link
 * CopyGuardPolicy}): the guest devices' filters into that pair then clone a frame with probability
 * 1/G (on top of the session's own sample; {@code FilterMatch.guarded}). So copies over the budget
 * become a random sample decided before the clone instead of clones the tbf drops; the tbf still
 * holds the exact cap, and the guests' frames are never touched.
 *
 * <p>The guard never writes to the kernel: a changed G calls {@code changed} (the reconciler queues
 * a converge), and the converger's desired state reads {@link #factor}. G lives in memory only: a
 * restarted agent starts at 1 (every match cloned, as without a guard), which is safe since the tbf
 * still caps delivery. The interval after a change only re-reads (its copies were cloned partly at
 * the old G), so a second change takes two intervals. Against a guest that switches its traffic on
 * and off to make the agent rewrite the session's filters: G is raised only on at least {@link
 * #MIN_CLONES} copies in the interval (a few 64 KiB GSO frames against a small budget decide
 * nothing), and not within {@link #RAISE_DWELL} intervals after it was lowered (until then copies
 * are cloned as without a guard and the tbf caps them); lowering is never delayed, so copies are
 * not sampled longer than two intervals after a burst. A failed reading is logged; three in a row
 * put every G back to 1.
 *
 * <p>Tests drive {@link #tick()} with an injected clock; {@link #start()} runs it on a thread.
 */
public final class CopyGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CopyGuard.class);

  /** The default interval between readings. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  /** Copies in one interval below which G is never raised. */
  static final long MIN_CLONES = 32;

  /** Intervals after lowering G during which it is not raised again. */
  static final int RAISE_DWELL = 10;

  /** Failed readings in a row after which every G goes back to 1. */
  static final int FAILED_READS_RESET = 3;

  /** Reads the filters of a few devices with their counters (one process). */
  public interface Counters {
    List<ObservedFilter> read(Set<InterfaceName> devices) throws KernelCommandException;
  }

  private record Reading(long bytes, long packets, Instant at) {}

  private final Supplier<Optional<NodeMirrorPlan>> plan;
  private final Counters counters;
  private final Runnable changed;
  private final Clock clock;
  private final Duration interval;
  private final Map<InterfaceName, Integer> factors = new ConcurrentHashMap<>();
  private final Map<InterfaceName, String> sessions = new ConcurrentHashMap<>();
  private final Map<InterfaceName, Reading> last = new HashMap<>();
  private final Set<InterfaceName> settling = new HashSet<>();
  private final Map<InterfaceName, Instant> lowered = new HashMap<>();
  private int failedReads;
  private Thread thread;
  private volatile boolean closed;

  /**
   * @param plan the plan in force (the reconciler's)
   * @param changed called (from the guard's thread) when some G changed: queue a converge
   */
  public CopyGuard(
      Supplier<Optional<NodeMirrorPlan>> plan,
      Counters counters,
      Runnable changed,
      Clock clock,
      Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("copy guard interval must be positive: " + interval);
    }
    this.plan = plan;
    this.counters = counters;
    this.changed = changed;
    this.clock = clock;
    this.interval = interval;
  }

  /** G for the conditioner pair whose {@code in} end is {@code in}: 1 unless guarded. */
  public int factor(InterfaceName in) {
    return factors.getOrDefault(in, 1);
  }

  /** The highest G per session among its budgeted pairs on this node (1: every match cloned). */
  public Map<String, Integer> samplesBySession() {
    Map<String, Integer> out = new TreeMap<>();
    sessions.forEach((in, session) -> out.merge(session, factor(in), Math::max));
    return out;
  }

  /** One reading and decision for every budgeted pair; true when some G changed. */
  public synchronized boolean tick() {
    NodeMirrorPlan current = plan.get().orElse(null);
    Map<InterfaceName, ConditionerPair> pairs = budgeted(current);
    factors.keySet().retainAll(pairs.keySet());
    sessions.keySet().retainAll(pairs.keySet());
    last.keySet().retainAll(pairs.keySet());
    settling.retainAll(pairs.keySet());
    lowered.keySet().retainAll(pairs.keySet());
    if (pairs.isEmpty()) {
      return false;
    }
    Set<InterfaceName> sources = new HashSet<>();
    for (MirrorEntry m : current.mirrors()) {
      if (m.conditioner() != null && m.conditioner().budget() != null) {
        sources.add(m.device());
      }
    }
    List<ObservedFilter> read;
    try {
      read = counters.read(sources);
    } catch (KernelCommandException | RuntimeException e) {
      failedReads++;
      if (failedReads == 1) {
        LOG.warn("copy guard: counters not read: {}", e.toString());
      }
      if (failedReads == FAILED_READS_RESET && !factors.isEmpty()) {
        // Blind: clone every match again (the tbf still caps the copies) rather than keep a G
        // that nothing checks any more.
        LOG.warn("copy guard: {} readings failed in a row, cloning every match again", failedReads);
        factors.clear();
        last.clear();
        changed.run();
        return true;
      }
      return false;
    }
    if (failedReads > 0) {
      LOG.info("copy guard: counters read again after {} failed readings", failedReads);
      failedReads = 0;
    }
    Map<String, long[]> cloned = new HashMap<>();
    for (ObservedFilter f : read) {
      if (f.ours() && f.toDev() != null) {
        long[] sum = cloned.computeIfAbsent(f.toDev(), k -> new long[2]);
        sum[0] += f.bytes();
        sum[1] += f.packets();
      }
    }
    Instant now = clock.instant();
    boolean change = false;
    for (ConditionerPair pair : pairs.values()) {
      InterfaceName in = pair.in();
      sessions.put(in, pair.session());
      long[] c = cloned.get(in.value());
      if (c == null) {
        last.remove(in); // no filter into the pair yet (being built), or gone
        continue;
      }
      Reading before = last.put(in, new Reading(c[0], c[1], now));
      if (before == null || settling.remove(in)) {
        continue;
      }
      long bytes = c[0] - before.bytes();
      long packets = c[1] - before.packets();
      long nanos = Duration.between(before.at(), now).toNanos();
      if (bytes < 0 || packets < 0 || nanos <= 0) {
        continue; // a filter was re-created: its counters began again
      }
      Integer snaplen = pair.settings().snaplen();
      if (snaplen != null) {
        bytes = Math.min(bytes, packets * snaplen); // what the tbf sees after the cut, at most
      }
      int g = factor(in);
      int next =
          CopyGuardPolicy.next(g, bytes * 8e9 / nanos, pair.settings().budget().bitsPerSecond());
      if (next > g && (packets < MIN_CLONES || recentlyLowered(in, now))) {
        next = g;
      }
      if (next != g) {
        LOG.info(
            "copy guard {} (session {}): {} Mbit/s of copies offered, cloning 1/{} (was 1/{})",
            in,
            pair.session(),
            String.format("%.1f", bytes * 8e3 / nanos * g),
            next,
            g);
        if (next == 1) {
          factors.remove(in);
        } else {
          factors.put(in, next);
        }
        if (next < g) {
          lowered.put(in, now);
        }
        settling.add(in);
        change = true;
      }
    }
    if (change) {
      changed.run();
    }
    return change;
  }

  private boolean recentlyLowered(InterfaceName in, Instant now) {
    Instant at = lowered.get(in);
    return at != null && at.plus(interval.multipliedBy(RAISE_DWELL)).isAfter(now);
  }

  /** The budgeted conditioner pairs of {@code p}, by their {@code in} end. */
  static Map<InterfaceName, ConditionerPair> budgeted(NodeMirrorPlan p) {
    Map<InterfaceName, ConditionerPair> out = new LinkedHashMap<>();
    if (p == null) {
      return out;
    }
    for (MirrorEntry m : p.mirrors()) {
      if (m.conditioner() != null && m.conditioner().budget() != null) {
        ConditionerPair pair =
            ConditionerPair.of(m.session(), m.conditioner(), m.target(), m.standbyTargets());
        out.putIfAbsent(pair.in(), pair);
      }
    }
    return out;
  }

  /** Starts ticking every interval on a daemon thread (once). */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "pvespan-copy-guard");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(interval.toMillis());
        tick();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | Error e) {
        // Kept alive: a guard thread that died would leave G where it was, unchecked.
        LOG.error("copy guard tick failed: {}", e.toString(), e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
    }
  }
}
