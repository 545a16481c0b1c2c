package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  @Test
  void equalKeysCoalesceAndDrainInArrivalOrder() {
    WorkQueue<Trigger> q = new WorkQueue<>();
    assertThat(q.add(Trigger.kernelChanged("tap1i0"))).isTrue();
    for (int i = 0; i < 100; i++) {
      q.add(Trigger.kernelChanged("tap1i0"));
    }
    q.add(Trigger.RESYNC);
    assertThat(q.add(Trigger.kernelChanged("tap1i0"))).isFalse();
    assertThat(q.drain()).containsExactly(Trigger.kernelChanged("tap1i0"), Trigger.RESYNC);
    assertThat(q.drain()).isEmpty();
  }

  @Test
  void awaitReturnsWhatIsWaitingAndEmptyWhenClosed() throws InterruptedException {
    WorkQueue<String> q = new WorkQueue<>();
    q.add("a");
    assertThat(q.awaitAndDrain(Duration.ofSeconds(5))).containsExactly("a");
    assertThat(q.awaitAndDrain(Duration.ZERO)).isEmpty();
    q.close();
    assertThat(q.add("b")).isFalse();
    assertThat(q.awaitAndDrain(Duration.ofSeconds(5))).isEmpty();
  }
}
