package io.pvespan.controller.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapMergeTest {
  static PcapRecord rec(int stream, long micros, int seq) {
    return new PcapRecord(stream, micros, 60, payload(seq));
  }

  static byte[] payload(int seq) {
    return ByteBuffer.allocate(60).putInt(56, seq).array();
  }

  static int seq(PcapRecord r) {
    return ByteBuffer.wrap(r.data()).getInt(56);
  }

  @Test
  void recordsOfTwoStreamsComeOutInTimestampOrderOnceTheyHaveWaitedTheHoldTime() {
    PcapMerge m = new PcapMerge(500, 50_000);
    m.add(rec(0, 1_000, 1), 0);
    m.add(rec(0, 3_000, 3), 0);
    m.add(rec(1, 2_000, 2), 100); // the other node's frame arrives later
    assertThat(m.drain(499)).isEmpty();
    assertThat(m.drain(500)).extracting(PcapMergeTest::seq).containsExactly(1);
    // 3 is ripe at 500 too, but 2 (earlier) is not: nothing overtakes it
    assertThat(m.drain(600)).extracting(PcapMergeTest::seq).containsExactly(2, 3);
  }

  @Test
  void theSameFrameFromTwoStreamsWithinTheWindowComesOutOnce() {
    PcapMerge m = new PcapMerge(0, 50_000);
    m.add(rec(0, 1_000_000, 7), 0);
    m.add(rec(1, 1_000_020, 7), 0); // the switchover: both nodes saw it
    m.add(rec(0, 1_000_040, 7), 0); // the same stream sending the same bytes again: kept
    m.add(rec(1, 1_200_000, 7), 0); // another stream, but 200 ms later: a new frame
    assertThat(m.drain(1))
        .extracting(PcapRecord::micros)
        .containsExactly(1_000_000L, 1_000_040L, 1_200_000L);
    assertThat(m.duplicates()).isEqualTo(1);
  }

  @Test
  void aMigrationsTwoStreamsBecomeOneGaplessSequence() {
    // 100 frames, 1 ms apart: 0..59 on the source node, 55..99 on the target (an overlap of
    // copies around the switchover), the target's arriving in bursts later.
    PcapMerge m = new PcapMerge(500, 50_000);
    List<PcapRecord> out = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (i < 60) {
        m.add(rec(0, 10_000_000 + i * 1000L, i), i);
      }
      if (i >= 55) {
        m.add(rec(1, 10_000_000 + i * 1000L + 3, i), 300 + i);
      }
      out.addAll(m.drain(i));
    }
    out.addAll(m.flush());
    assertThat(out).extracting(PcapMergeTest::seq).containsExactlyElementsOf(range(100));
  }

  @Test
  void theParserTakesAStreamInPiecesOfAnySizeInEitherByteOrder() throws Exception {
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      byte[] stream = stream(order, false, rec(0, 5_000_001, 1), rec(0, 5_000_002, 2));
      PcapParser p = new PcapParser(3);
      List<PcapRecord> got = new ArrayList<>();
      for (int i = 0; i < stream.length; i += 7) {
        got.addAll(p.feed(java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + 7))));
      }
      assertThat(got).extracting(PcapRecord::micros).containsExactly(5_000_001L, 5_000_002L);
      assertThat(got).extracting(PcapRecord::stream).containsOnly(3);
      assertThat(got).extracting(PcapMergeTest::seq).containsExactly(1, 2);
    }
    byte[] nanos = stream(ByteOrder.LITTLE_ENDIAN, true, rec(0, 7_000_123, 9));
    assertThat(new PcapParser(0).feed(nanos))
        .extracting(PcapRecord::micros)
        .containsExactly(7_000_123L);
  }

  @Test
  void whatTheMergeWritesIsPcapItsOwnParserReadsBack() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PcapRecord.globalHeader());
    out.writeBytes(rec(0, 1_500_000, 4).encode());
    List<PcapRecord> back = new PcapParser(0).feed(out.toByteArray());
    assertThat(back)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.micros()).isEqualTo(1_500_000L);
              assertThat(seq(r)).isEqualTo(4);
            });
  }

  static byte[] stream(ByteOrder order, boolean nanos, PcapRecord... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(24).order(order);
    h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4);
    h.putInt(0).putInt(0).putInt(262144).putInt(1);
    out.writeBytes(h.array());
    for (PcapRecord r : records) {
      ByteBuffer b = ByteBuffer.allocate(16 + r.data().length).order(order);
      b.putInt((int) (r.micros() / 1_000_000));
      b.putInt((int) (r.micros() % 1_000_000) * (nanos ? 1000 : 1));
      b.putInt(r.data().length).putInt(r.wireLength()).put(r.data());
      out.writeBytes(b.array());
    }
    return out.toByteArray();
  }

  static List<Integer> range(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }
}
