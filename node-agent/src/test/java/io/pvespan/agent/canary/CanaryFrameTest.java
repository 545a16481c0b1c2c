package io.pvespan.agent.canary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvespan.agent.canary.CanaryFrame.CanaryKey;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CanaryFrameTest {
  private static final CanaryKey KEY = CanaryKey.of(Optional.of("agent-token"));
  private static final CanaryFrame FRAME =
      new CanaryFrame("web-remote", "pve1", 42, 1_764_600_000_123L);

  @Test
  void roundTrips() {
    byte[] wire = FRAME.encode(KEY);
    assertEquals(Optional.of(FRAME), CanaryFrame.decode(wire, KEY));
    assertEquals(0x88, wire[12] & 0xff);
    assertEquals(0xb5, wire[13] & 0xff);
    assertArrayEquals(CanaryFrame.DST_MAC, Arrays.copyOf(wire, 6));
    assertEquals(0x02, wire[0] & 0x03, "locally administered unicast");
    assertTrue(wire.length >= 60, "at least the Ethernet minimum: " + wire.length);
  }

  @Test
  void roundTripsLongNamesAndPaddedFramesAtAnOffset() {
    CanaryFrame f = new CanaryFrame("s".repeat(255), "nöde", 1, 2);
    byte[] wire = f.encode(KEY);
    byte[] inRecord = new byte[wire.length + 30];
    System.arraycopy(wire, 0, inRecord, 10, wire.length);
    assertEquals(Optional.of(f), CanaryFrame.decode(inRecord, 10, wire.length + 20, KEY));
  }

  @Test
  void refusesAFrameSignedWithAnotherKey() {
    byte[] wire = FRAME.encode(CanaryKey.of(Optional.of("guessed")));
    assertEquals(Optional.empty(), CanaryFrame.decode(wire, KEY));
  }

  @Test
  void tokenlessKeyIsMarkedUnauthenticated() {
    assertTrue(KEY.authenticated());
    assertTrue(!CanaryKey.of(Optional.empty()).authenticated());
  }

  @Test
  void refusesEveryTamperedByte() {
    byte[] wire = FRAME.encode(KEY);
    int signed = 14 + 4 + 1 + 8 + 8 + 1 + "web-remote".length() + 1 + "pve1".length() + 16;
    for (int i = 12; i < signed; i++) {
      byte[] bad = wire.clone();
      bad[i] ^= 0x01;
      assertEquals(Optional.empty(), CanaryFrame.decode(bad, KEY), "byte " + i + " flipped");
    }
  }

  @Test
  void refusesTruncatedAndForeignFrames() {
    byte[] wire = FRAME.encode(KEY);
    for (int len = 0; len < 14 + 4 + 1 + 8 + 8 + 2 + "web-remote".length() + 4 + 16; len++) {
      assertEquals(
          Optional.empty(), CanaryFrame.decode(Arrays.copyOf(wire, len), KEY), "length " + len);
    }
    byte[] ipv4 = wire.clone();
    ipv4[12] = 0x08;
    ipv4[13] = 0x00;
    assertEquals(Optional.empty(), CanaryFrame.decode(ipv4, KEY));
  }

  @Test
  void refusesNamesThatDoNotFitALengthByte() {
    assertThrows(IllegalArgumentException.class, () -> new CanaryFrame("", "pve1", 1, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new CanaryFrame("x".repeat(256), "pve1", 1, 1));
  }
}
