package io.pvespan.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetBufferTest {
  private static final int CAPACITY = 1024 * 1024;

  @Test
  void readsAreAddressedByStreamOffsetSoARetriedReadGetsTheSameBytes() throws Exception {
    OffsetBuffer b = new OffsetBuffer(CAPACITY);
    b.append(new byte[] {1, 2, 3});
    b.append(new byte[] {4, 5});
    OffsetBuffer.Chunk first = b.read(0, 4, 0);
    assertThat(first.offset()).isZero();
    assertThat(first.bytes()).containsExactly(1, 2, 3, 4);
    assertThat(b.read(0, 4, 0).bytes()).as("the same read again").containsExactly(1, 2, 3, 4);
    OffsetBuffer.Chunk second = b.read(first.next(), 100, 0);
    assertThat(second.offset()).isEqualTo(4);
    assertThat(second.bytes()).containsExactly(5);
    assertThat(b.read(2, 100, 0).offset()).as("forgotten bytes: from the oldest kept").isEqualTo(4);
    assertThat(second.ended()).isFalse();
  }

  @Test
  void theEndIsReportedOnceEverythingWasReadAndAWaitingWriterIsReleased() throws Exception {
    OffsetBuffer b = new OffsetBuffer(CAPACITY);
    b.append(new byte[CAPACITY]);
    java.util.concurrent.atomic.AtomicReference<Boolean> appended =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                appended.set(b.append(new byte[] {9}));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    writer.start();
    Thread.sleep(300);
    assertThat(writer.isAlive()).as("the writer waits for room").isTrue();
    b.end("cancelled");
    writer.join(2000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(appended.get()).as("refused after the end").isFalse();
    OffsetBuffer.Chunk c = b.read(0, 16, 0);
    assertThat(c.ended()).as("bytes left: not the end yet").isFalse();
    OffsetBuffer.Chunk last = b.read(CAPACITY, 16, 0);
    assertThat(last.ended()).isTrue();
    assertThat(last.reason()).isEqualTo("cancelled");
  }
}
