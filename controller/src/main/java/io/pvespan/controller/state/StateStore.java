package io.pvespan.controller.state;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The one place the controller's state lives: an immutable {@link ControllerState} swapped
 * atomically. Readers (the API, the status view) take {@link #get()} and never wait; writers pass a
 * pure function of the current state, which may run more than once under contention, so it must not
 * log, do I/O or count anything outside the state.
 */
public final class StateStore {
  private final AtomicReference<ControllerState> ref = new AtomicReference<>(ControllerState.EMPTY);
  private final Clock clock;

  public StateStore(Clock clock) {
    this.clock = clock;
  }

  public ControllerState get() {
    return ref.get();
  }

  /** Applies {@code change} atomically and returns the state it produced. */
  public ControllerState update(UnaryOperator<ControllerState> change) {
    return ref.updateAndGet(change);
  }

  /** Applies {@code change} atomically and returns the state it replaced. */
  public ControllerState getAndUpdate(UnaryOperator<ControllerState> change) {
    return ref.getAndUpdate(change);
  }

  public Clock clock() {
    return clock;
  }
}
