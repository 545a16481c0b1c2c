package io.pvespan.controller.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A keyed work queue in the manner of controller-runtime's: node names are keys; a key waiting is
 * not added twice; a key is never processed twice at once (an add while it runs marks it dirty and
 * it runs once more afterwards); each key runs as its own task on the executor, so a hanging agent
 * holds up only its own node. {@link #tick()} re-adds the keys whose requeue time (by the injected
 * clock) has come. A handler's exception is logged and the key retried after {@link #ERROR_REQUEUE}
 * seconds: it never stops another key.
 *
 * <p>Each add carries whether the agent's status should be read first; adds merge by "or".
 */
public final class NodeQueue {
  private static final Logger LOG = LoggerFactory.getLogger(NodeQueue.class);
  static final long ERROR_REQUEUE = 5;

  /** Runs one key; called for one key at a time. */
  @FunctionalInterface
  public interface Handler {
    NodeResult reconcile(String node, boolean readStatus);
  }

  private final Executor executor;
  private final Clock clock;
  private final Handler handler;
  private final Map<String, Boolean> waiting = new HashMap<>();
  private final Map<String, Boolean> dirty = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private final Map<String, Instant> due = new HashMap<>();

  public NodeQueue(Executor executor, Clock clock, Handler handler) {
    this.executor = executor;
    this.clock = clock;
    this.handler = handler;
  }

  /** Queues a reconcile of {@code node}. */
  public void add(String node) {
    start(enqueue(List.of(node), false));
  }

  /**
   * Queues a status read and reconcile of {@code node}, unless the node is being reconciled right
   * now (its status is read by a later round): a slow agent never piles up reads.
   */
  public void addStatusRead(String node) {
    boolean idle;
    synchronized (this) {
      idle = !running.contains(node);
    }
    if (idle) {
      start(enqueue(List.of(node), true));
    }
  }

  /** Queues every key whose requeue time has come. Cheap; call it every second or so. */
  public void tick() {
    Instant now = clock.instant();
    List<String> ready = new ArrayList<>();
    synchronized (this) {
      due.forEach(
          (node, at) -> {
            if (!now.isBefore(at)) {
              ready.add(node);
            }
          });
      ready.forEach(due::remove);
    }
    start(enqueue(ready, false));
  }

  /** Forgets the requeue times of nodes that left; a running one finishes. */
  public synchronized void retain(Set<String> nodes) {
    due.keySet().retainAll(nodes);
  }

  /** Marks the keys waiting (or dirty, when running); returns those that need a task. */
  private synchronized List<String> enqueue(List<String> nodes, boolean readStatus) {
    List<String> fresh = new ArrayList<>();
    for (String node : nodes) {
      if (running.contains(node)) {
        dirty.merge(node, readStatus, Boolean::logicalOr);
      } else {
        if (!waiting.containsKey(node)) {
          fresh.add(node); // else its task is already on the executor
        }
        waiting.merge(node, readStatus, Boolean::logicalOr);
      }
    }
    return fresh;
  }

  /** Outside the monitor: a direct executor runs the reconcile right here. */
  private void start(List<String> nodes) {
    for (String node : nodes) {
      try {
        executor.execute(() -> process(node));
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          waiting.remove(node); // shutting down
        }
      }
    }
  }

  private void process(String node) {
    boolean readStatus;
    synchronized (this) {
      Boolean w = waiting.remove(node);
      if (w == null) {
        return;
      }
      running.add(node);
      due.remove(node);
      readStatus = w;
    }
    while (true) {
      NodeResult result;
      try {
        result = handler.reconcile(node, readStatus);
      } catch (RuntimeException e) {
        LOG.error("node {}: reconcile failed: {}", node, e.toString(), e);
        result = NodeResult.at(clock.instant().plusSeconds(ERROR_REQUEUE));
      }
      synchronized (this) {
        if (result.requeueAt() != null) {
          due.merge(node, result.requeueAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        Boolean again = dirty.remove(node);
        if (again == null) {
          running.remove(node);
          return;
        }
        readStatus = again;
      }
    }
  }
}
