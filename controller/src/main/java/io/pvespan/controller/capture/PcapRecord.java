package io.pvespan.controller.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One captured frame: its time (microseconds since the epoch, as the capturing node's clock said),
 * its length on the wire and the bytes captured, and which stream it came from.
 */
public record PcapRecord(int stream, long micros, int wireLength, byte[] data) {
  public PcapRecord {
    Objects.requireNonNull(data, "data");
    if (wireLength < data.length) {
      wireLength = data.length;
    }
  }

  /** The record as pcap writes it: little-endian, microsecond timestamps. */
  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(16 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) (micros / 1_000_000));
    b.putInt((int) (micros % 1_000_000));
    b.putInt(data.length);
    b.putInt(wireLength);
    b.put(data);
    return b.array();
  }

  /** The global header every merged capture starts with: pcap 2.4, microseconds, Ethernet. */
  static byte[] globalHeader() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2c3d4);
    b.putShort((short) 2);
    b.putShort((short) 4);
    b.putInt(0);
    b.putInt(0);
    b.putInt(262144);
    b.putInt(1);
    return b.array();
  }
}
