package io.pvespan.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * A byte stream between a writer and a reader over HTTP, addressed by offset in the whole stream so
 * that a retried read gets the same bytes. Reading from offset N forgets what lies before N (the
 * reader has it). Bounded: a writer waits while {@code capacity} bytes are unread, so a slow reader
 * slows the writer instead of growing memory. The agent buffers tcpdump's pcap for the controller
 * with it, the controller the merged pcap for the CLI.
 */
public final class OffsetBuffer {
  private final int capacity;

  private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
  private long base; // stream offset of the first kept byte
  private int skipInFirst; // bytes of pieces.peekFirst() already before base
  private long size; // bytes kept
  private boolean ended;
  private String reason = "";

  /** A buffer that holds at most {@code capacity} unread bytes (more only for one large append). */
  public OffsetBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** Appends, waiting while the buffer is full; false when the capture ended meanwhile. */
  public synchronized boolean append(byte[] bytes) throws InterruptedException {
    while (!ended && size > 0 && size + bytes.length > capacity) {
      wait(200);
    }
    if (ended) {
      return false;
    }
    pieces.addLast(bytes.clone());
    size += bytes.length;
    notifyAll();
    return true;
  }

  /** Marks the end (the first reason wins); readers get what is left, then the end. */
  public synchronized void end(String why) {
    if (!ended) {
      ended = true;
      reason = why;
      notifyAll();
    }
  }

  public synchronized boolean ended() {
    return ended;
  }

  /** The stream offset the next append starts at. */
  public synchronized long written() {
    return base + size;
  }

  /**
   * Up to {@code max} bytes from offset {@code from}, waiting up to {@code waitMillis} for some;
   * everything before {@code from} is dropped. An offset before what is kept reads from the oldest
   * kept byte (the answer's offset says where it starts).
   */
  public synchronized Chunk read(long from, int max, long waitMillis) throws InterruptedException {
    long until = System.nanoTime() + waitMillis * 1_000_000;
    while (!ended && written() <= from) {
      long left = (until - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    drop(Math.min(Math.max(0, from - base), size));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int skip = skipInFirst;
    for (byte[] p : pieces) {
      int n = Math.min(p.length - skip, max - out.size());
      if (n <= 0) {
        break;
      }
      out.write(p, skip, n);
      skip = 0;
    }
    boolean done = ended && out.size() == size;
    return new Chunk(base, out.toByteArray(), done, done ? reason : "");
  }

  private void drop(long n) {
    base += n;
    size -= n;
    while (n > 0) {
      byte[] first = pieces.peekFirst();
      int left = first.length - skipInFirst;
      if (n >= left) {
        pieces.removeFirst();
        skipInFirst = 0;
        n -= left;
      } else {
        skipInFirst += (int) n;
        n = 0;
      }
    }
    notifyAll();
  }

  /** {@code bytes} starting at stream offset {@code offset}; {@code ended}: nothing follows. */
  public record Chunk(long offset, byte[] bytes, boolean ended, String reason) {
    public long next() {
      return offset + bytes.length;
    }
  }
}
