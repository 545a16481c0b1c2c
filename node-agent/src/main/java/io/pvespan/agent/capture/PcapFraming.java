package io.pvespan.agent.capture;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts tcpdump's pcap output into its global header and whole records, so that the successive
 * tcpdump runs of one capture (the device went away and came back) become one stream: the first
 * header, then every record. Classic pcap only (microsecond or nanosecond magic, either byte
 * order), which is what {@code tcpdump -w} writes.
 */
final class PcapFraming {
  static final int HEADER = 24;
  static final int RECORD_HEADER = 16;

  /** Larger than tcpdump's snap length: a longer record means the stream is not pcap. */
  static final int MAX_RECORD = 262144;

  private final DataInputStream in;
  private ByteOrder order;
  private byte[] header;

  PcapFraming(InputStream in) {
    this.in = new DataInputStream(in);
  }

  /**
   * The 24-byte global header; null when the stream ended first (tcpdump could not open the
   * device).
   */
  byte[] header() throws IOException {
    byte[] h = new byte[HEADER];
    try {
      in.readFully(h);
    } catch (EOFException e) {
      return null;
    }
    int magic = ByteBuffer.wrap(h, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
      order = ByteOrder.BIG_ENDIAN;
    } else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      order = ByteOrder.LITTLE_ENDIAN;
    } else {
      throw new IOException("not a pcap stream (magic " + Integer.toHexString(magic) + ")");
    }
    header = h;
    return h;
  }

  /** The link type of the header read (1: Ethernet). */
  int linkType() {
    return ByteBuffer.wrap(header, 20, 4).order(order).getInt();
  }

  /** A record's length on the wire (its header's orig_len). */
  int wireLength(byte[] record) {
    return ByteBuffer.wrap(record, 12, 4).order(order).getInt();
  }

  /** The next whole record (its 16-byte header and data); null at the end of the stream. */
  byte[] record() throws IOException {
    byte[] rh = new byte[RECORD_HEADER];
    try {
      in.readFully(rh);
    } catch (EOFException e) {
      return null;
    }
    int len = ByteBuffer.wrap(rh, 8, 4).order(order).getInt();
    if (len < 0 || len > MAX_RECORD) {
      throw new IOException("pcap record of " + len + " bytes");
    }
    byte[] r = new byte[RECORD_HEADER + len];
    System.arraycopy(rh, 0, r, 0, RECORD_HEADER);
    try {
      in.readFully(r, RECORD_HEADER, len);
    } catch (EOFException e) {
      return null; // cut off mid-record when tcpdump was stopped: drop the partial record
    }
    return r;
  }
}
