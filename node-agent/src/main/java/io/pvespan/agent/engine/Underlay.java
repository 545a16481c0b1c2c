package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.Cidr;
import io.pvespan.agent.kernel.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * The node's underlay, as the operator configured it ({@code --underlay}): the only addresses a
 * plan's tunnels may use as local or remote endpoint. Without it, a plan may hold no tunnel at all:
 * otherwise a stolen credential could send a copy of any guest's traffic to any address.
 */
public record Underlay(List<Cidr> cidrs) {
  public Underlay {
    cidrs = List.copyOf(cidrs);
  }

  /** No underlay configured: local mirrors only. */
  public static final Underlay NONE = new Underlay(List.of());

  public static Underlay of(String... cidrs) {
    return new Underlay(java.util.Arrays.stream(cidrs).map(Cidr::parse).toList());
  }

  /** Why {@code address} may not be a tunnel endpoint here, or empty when it may. */
  public Optional<String> refuses(String address) {
    if (cidrs.isEmpty()) {
      return Optional.of("this agent has no --underlay configured, so it accepts no tunnels");
    }
    IpAddress ip;
    try {
      ip = IpAddress.parse(address);
    } catch (IllegalArgumentException e) {
      return Optional.of("'" + address + "' is not an IP address");
    }
    for (Cidr c : cidrs) {
      if (c.contains(ip)) {
        return Optional.empty();
      }
    }
    return Optional.of(address + " is outside the node's underlay " + cidrs);
  }
}
