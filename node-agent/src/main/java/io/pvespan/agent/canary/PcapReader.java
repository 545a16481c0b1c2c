package io.pvespan.agent.canary;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/** Reads a pcap stream (tcpdump {@code -w -}) and hands each record's frame bytes over. */
final class PcapReader {
  private static final int MAX_RECORD = 262144;

  private PcapReader() {}

  /** Reads until the stream ends; false when it is not pcap or a record is malformed. */
  static boolean read(InputStream in, Consumer<byte[]> frames) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[24];
    try {
      data.readFully(header);
    } catch (EOFException e) {
      return true; // ended before the first byte: tcpdump could not open the device
    }
    ByteOrder order = ByteOrder.BIG_ENDIAN;
    int magic = ByteBuffer.wrap(header).order(order).getInt();
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      order = ByteOrder.LITTLE_ENDIAN;
      magic = ByteBuffer.wrap(header).order(order).getInt();
      if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
        return false;
      }
    }
    byte[] record = new byte[16];
    while (true) {
      try {
        data.readFully(record);
      } catch (EOFException e) {
        return true;
      }
      int included = ByteBuffer.wrap(record).order(order).getInt(8);
      if (included < 0 || included > MAX_RECORD) {
        return false;
      }
      byte[] frame = new byte[included];
      data.readFully(frame);
      frames.accept(frame);
    }
  }
}
