package io.pvespan.agent.capture;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * The bytes of one capture between tcpdump and the controller, addressed by their offset in the
 * whole stream so that a retried read gets the same bytes. Reading from offset N forgets what lies
 * before N (the controller has it). Bounded: a writer waits while {@link #CAPACITY} bytes are
 * unread, so a slow controller slows tcpdump (the kernel then drops copies at its socket, never
 * production traffic) instead of growing the agent's memory.
 */
final class CaptureBuffer {
  /**
   * Small: the agent runs with a 64 MiB heap and up to {@link Captures#MAX_RUNNING} captures; the
   * kernel ring behind tcpdump (16 MiB) absorbs the bursts.
   */
  static final int CAPACITY = 1024 * 1024;

  private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
  private long base; // stream offset of the first kept byte
  private int skipInFirst; // bytes of pieces.peekFirst() already before base
  private long size; // bytes kept
  private boolean ended;
  private String reason = "";

  /** Appends, waiting while the buffer is full; false when the capture ended meanwhile. */
  synchronized boolean append(byte[] bytes) throws InterruptedException {
    while (!ended && size > 0 && size + bytes.length > CAPACITY) {
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
  synchronized void end(String why) {
    if (!ended) {
      ended = true;
      reason = why;
      notifyAll();
    }
  }

  synchronized boolean ended() {
    return ended;
  }

  /** The stream offset the next append starts at. */
  synchronized long written() {
    return base + size;
  }

  /**
   * Up to {@code max} bytes from offset {@code from}, waiting up to {@code waitMillis} for some;
   * everything before {@code from} is dropped. An offset before what is kept reads from the oldest
   * kept byte (the answer's offset says where it starts).
   */
  synchronized Chunk read(long from, int max, long waitMillis) throws InterruptedException {
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
  record Chunk(long offset, byte[] bytes, boolean ended, String reason) {
    long next() {
      return offset + bytes.length;
    }
  }
}
