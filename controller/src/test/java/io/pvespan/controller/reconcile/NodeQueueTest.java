package io.pvespan.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link NodeQueue} driven by hand: tasks run when the test says, time moves when it says. */
class NodeQueueTest {
  private final Deque<Runnable> tasks = new ArrayDeque<>();
  private Instant now = Instant.parse("2026-11-23T06:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };
  private final List<String> runs = new ArrayList<>();
  private final Map<String, NodeResult> results = new HashMap<>();
  private NodeQueue queue;

  private NodeQueue queue(NodeQueue.Handler handler) {
    queue = new NodeQueue(tasks::add, clock, handler);
    return queue;
  }

  private NodeResult record(String node, boolean readStatus) {
    runs.add(node + (readStatus ? "+status" : ""));
    return results.getOrDefault(node, NodeResult.DONE);
  }

  private void runAll() {
    while (!tasks.isEmpty()) {
      tasks.poll().run();
    }
  }

  @Test
  void aKeyWaitingIsNotAddedTwiceAndStatusReadsMergeIntoIt() {
    queue(this::record);
    queue.add("pve1");
    queue.add("pve1");
    queue.addStatusRead("pve1");
    queue.add("pve2");
    assertThat(tasks).hasSize(2);
    runAll();
    assertThat(runs).containsExactly("pve1+status", "pve2");
  }

  @Test
  void anAddWhileTheKeyRunsRunsItOnceMoreAfterwardsNeverAtTheSameTime() {
    List<String> inside = new ArrayList<>();
    queue(
        (node, status) -> {
          inside.add("start");
          if (inside.size() == 1) {
            queue.add(node); // a plan change while we push
            queue.add(node);
            queue.addStatusRead(node); // a status round skips a node being reconciled
            assertThat(tasks).isEmpty(); // no second task for a running key
          }
          inside.add("end");
          return record(node, status);
        });
    queue.add("pve1");
    runAll();
    assertThat(inside).containsExactly("start", "end", "start", "end");
    assertThat(runs).containsExactly("pve1", "pve1");
  }

  @Test
  void requeueAfterWaitsForTheClock() {
    queue(this::record);
    results.put("pve1", NodeResult.at(now.plusSeconds(2)));
    queue.add("pve1");
    runAll();
    results.put("pve1", NodeResult.DONE);
    queue.tick();
    assertThat(tasks).isEmpty();
    now = now.plus(Duration.ofSeconds(2));
    queue.tick();
    runAll();
    queue.tick();
    assertThat(tasks).isEmpty();
    assertThat(runs).containsExactly("pve1", "pve1");
  }

  @Test
  void anExceptionInOneKeyIsRetriedLaterAndNeverStopsAnother() {
    queue(
        (node, status) -> {
          if (node.equals("pve2")) {
            throw new ArithmeticException("long overflow");
          }
          return record(node, status);
        });
    queue.add("pve2");
    queue.add("pve1");
    queue.add("pve3");
    runAll();
    assertThat(runs).containsExactly("pve1", "pve3");
    // pve2 comes back after the error delay, and the queue still takes pve2 keys afterwards
    now = now.plusSeconds(NodeQueue.ERROR_REQUEUE);
    queue.tick();
    assertThat(tasks).hasSize(1);
    queue.add("pve1");
    runAll();
    assertThat(runs).containsExactly("pve1", "pve3", "pve1");
  }

  @Test
  void nodesThatLeftAreNotRequeued() {
    queue(this::record);
    results.put("pve3", NodeResult.at(now.plusSeconds(1)));
    queue.add("pve3");
    runAll();
    queue.retain(java.util.Set.of("pve1"));
    now = now.plusSeconds(5);
    queue.tick();
    assertThat(tasks).isEmpty();
  }
}
