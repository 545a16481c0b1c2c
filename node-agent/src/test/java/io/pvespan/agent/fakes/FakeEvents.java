package io.pvespan.agent.fakes;

import io.pvespan.agent.engine.KernelEvents;

/** Keeps the listener so a test can fire kernel events by hand. */
public final class FakeEvents implements KernelEvents {
  private volatile Listener listener;
  private volatile boolean closed;

  @Override
  public void start(Listener onChange) {
    listener = onChange;
  }

  public void fire(String device) {
    listener.changed(device);
  }

  @Override
  public void close() {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }
}
