package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;

/**
 * One filter priority on one side of a device, as {@code tc -j -s filter show} reports it. {@code
 * cookie} is non-null only when an action carries a pvespan cookie; {@code toDev}, {@code mode}
 * ({@code mirror}/{@code redirect}), {@code control} and the counters come from that mirred action.
 */
public record ObservedFilter(
    InterfaceName dev,
    TcSide side,
    int prio,
    String kind,
    OwnershipCookie cookie,
    String toDev,
    String mode,
    String control,
    long bytes,
    long packets) {

  public boolean ours() {
    return cookie != null;
  }
}
