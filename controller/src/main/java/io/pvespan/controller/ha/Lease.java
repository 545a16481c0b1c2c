package io.pvespan.controller.ha;

import java.util.Objects;

/**
 * A term of leadership: who holds it and under which epoch. Epochs only grow; every new leader
 * raises it, and every generation is issued under it, so the epoch is the fencing token.
 */
public record Lease(String holder, long epoch) {
  public Lease {
    Objects.requireNonNull(holder, "holder");
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch " + epoch + " < 1");
    }
  }
}
