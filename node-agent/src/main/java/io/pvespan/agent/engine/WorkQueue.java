package io.pvespan.agent.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A de-duplicating work queue, in the manner of controller-runtime's: a key added while an equal
 * key is waiting is dropped, and the consumer takes everything waiting at once. Thread-safe. After
 * {@link #close()} adds are ignored and waiting consumers return empty.
 */
public final class WorkQueue<K> {
  private final LinkedHashSet<K> pending = new LinkedHashSet<>();
  private boolean closed;

  /** Adds {@code key}; false when an equal key was already waiting (or the queue is closed). */
  public synchronized boolean add(K key) {
    if (closed) {
      return false;
    }
    boolean added = pending.add(key);
    notifyAll();
    return added;
  }

  /** Everything waiting now, in arrival order; empty when nothing is. Never blocks. */
  public synchronized List<K> drain() {
    List<K> all = new ArrayList<>(pending);
    pending.clear();
    return all;
  }

  /**
   * Waits up to {@code maxWait} for at least one key, then takes everything waiting. Empty on
   * timeout or when the queue is closed.
   */
  public synchronized List<K> awaitAndDrain(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
    while (pending.isEmpty() && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return closed ? List.of() : drain();
  }

  public synchronized int size() {
    return pending.size();
  }

  public synchronized void close() {
    closed = true;
    pending.clear();
    notifyAll();
  }

  public synchronized boolean isClosed() {
    return closed;
  }
}
