package io.pvespan.agent.engine;

/**
 * Kernel change notifications (links appearing or going, qdiscs or filters changing), so that a new
 * tap is mirrored within milliseconds and wiped rules come back. Implementations watch {@code ip
 * monitor} / {@code tc monitor} (or netlink) and call {@code onChange} with the affected device, or
 * null when unknown. Coalescing is the caller's job.
 */
public interface KernelEvents extends AutoCloseable {
  void start(Listener onChange);

  @Override
  void close();

  @FunctionalInterface
  interface Listener {
    void changed(String deviceOrNull);
  }
}
