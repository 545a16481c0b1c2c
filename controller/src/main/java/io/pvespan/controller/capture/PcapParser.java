package io.pvespan.controller.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one agent's pcap stream as it arrives in pieces of any size: the global header (either
 * byte order, microsecond or nanosecond timestamps, Ethernet only), then records. Bytes of a record
 * not complete yet wait for the next piece.
 */
final class PcapParser {
  private static final int MAX_RECORD = 262144;

  private final int stream;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private ByteOrder order;
  private boolean nanos;

  PcapParser(int stream) {
    this.stream = stream;
  }

  /** The whole records {@code bytes} completes. */
  List<PcapRecord> feed(byte[] bytes) throws IOException {
    pending.writeBytes(bytes);
    byte[] all = pending.toByteArray();
    int at = 0;
    if (order == null) {
      if (all.length < 24) {
        return List.of();
      }
      header(all);
      at = 24;
    }
    List<PcapRecord> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(all).order(order);
    while (all.length - at >= 16) {
      int incl = b.getInt(at + 8);
      if (incl < 0 || incl > MAX_RECORD) {
        throw new IOException("pcap record of " + incl + " bytes");
      }
      if (all.length - at - 16 < incl) {
        break;
      }
      long sec = Integer.toUnsignedLong(b.getInt(at));
      long frac = Integer.toUnsignedLong(b.getInt(at + 4));
      long micros = sec * 1_000_000 + (nanos ? frac / 1000 : frac);
      byte[] data = new byte[incl];
      System.arraycopy(all, at + 16, data, 0, incl);
      out.add(new PcapRecord(stream, micros, b.getInt(at + 12), data));
      at += 16 + incl;
    }
    pending.reset();
    pending.write(all, at, all.length - at);
    return out;
  }

  private void header(byte[] h) throws IOException {
    int magic = ByteBuffer.wrap(h, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    switch (magic) {
      case 0xa1b2c3d4 -> order = ByteOrder.BIG_ENDIAN;
      case 0xd4c3b2a1 -> order = ByteOrder.LITTLE_ENDIAN;
      case 0xa1b23c4d -> {
        order = ByteOrder.BIG_ENDIAN;
        nanos = true;
      }
      case 0x4d3cb2a1 -> {
        order = ByteOrder.LITTLE_ENDIAN;
        nanos = true;
      }
      default ->
          throw new IOException("not a pcap stream (magic " + Integer.toHexString(magic) + ")");
    }
    int linkType = ByteBuffer.wrap(h, 20, 4).order(order).getInt();
    if (linkType != 1) {
      throw new IOException("link type " + linkType + " is not Ethernet");
    }
  }
}
