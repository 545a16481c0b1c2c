package io.pvespan.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoAccountingTest {
  @Test
  void splitSuperFramesAreNotExtraBytes() {
    // One 3-segment super-frame (66 B headers + 3 x 1448 B) arrives as 3 frames.
    long superFrame = 66 + 3 * 1448;
    long segments = 3 * (66 + 1448);
    MirrorMeter.Reading r = new MirrorMeter.Reading("tap200i1", superFrame, segments, 1, 3);
    assertThat(r.splitHeaders()).isEqualTo(2 * 66);
    assertThat(r.unmirrored()).isZero();
  }

  @Test
  void aLostSegmentIsUnmirroredPayload() {
    long superFrame = 66 + 3 * 1448;
    long twoSegments = 2 * (66 + 1448);
    MirrorMeter.Reading r = new MirrorMeter.Reading("tap200i1", superFrame, twoSegments, 1, 2);
    assertThat(r.unmirrored()).isEqualTo(1448);
  }

  @Test
  void framesMergedByGroAreNotLostBytes() {
    // Two 2-segment super-frames, merged again behind the tunnel into one 4-segment frame.
    long sent = 2 * (66 + 2 * 1448);
    long merged = 66 + 4 * 1448;
    MirrorMeter.Reading r = new MirrorMeter.Reading("tap200i1", sent, merged, 2, 1);
    assertThat(r.splitHeaders()).isEqualTo(-66);
    assertThat(r.unmirrored()).isZero();
  }

  @Test
  void withoutOffloadsNothingIsAdjusted() {
    MirrorMeter.Reading r = new MirrorMeter.Reading("tap200i1", 1000, 990);
    assertThat(r.splitHeaders()).isZero();
    assertThat(r.unmirrored()).isEqualTo(10);
  }

  @Test
  void summaryCountsFramesLargestAndIncorrectChecksums() {
    String vv =
        """
        10:00:00.000001 aa:aa:aa:aa:aa:aa > bb:bb:bb:bb:bb:bb, ethertype IPv4 (0x0800), length 65226: (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 65212)
            198.19.0.101.1 > 198.19.0.200.5201: Flags [.], cksum 0x1234 (incorrect -> 0x9999), seq 1:65161, ack 1, win 1, length 65160
        10:00:00.000002 bb:bb:bb:bb:bb:bb > aa:aa:aa:aa:aa:aa, ethertype IPv4 (0x0800), length 66: (tos 0x0, ttl 64, id 2, offset 0, flags [DF], proto TCP (6), length 52)
            198.19.0.200.5201 > 198.19.0.101.1: Flags [.], cksum 0x5678 (correct), seq 1, ack 65161, win 1, length 0
        10:00:00.000003 aa:aa:aa:aa:aa:aa > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Ethernet (len 6), IPv4 (len 4), Request who-has 198.19.0.200 tell 198.19.0.101, length 28
        """;
    SensorCapture.Summary s = SensorCapture.summarize("sensor", vv, List.of());
    assertThat(s.frames()).isEqualTo(3);
    assertThat(s.largest()).isEqualTo(65226);
    assertThat(s.tcpFrames()).isEqualTo(2);
    assertThat(s.badChecksums()).isEqualTo(1);
  }
}
