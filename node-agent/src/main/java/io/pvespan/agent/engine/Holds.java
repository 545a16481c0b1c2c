package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import java.util.Set;

/**
 * The guest devices on which no qdisc may be created <em>now</em> ({@link PlugSettling}). A
 * function, not a set: a converge asks again right before it writes, so a Proxmox plug that began
 * while it was reading the kernel still holds it back.
 */
@FunctionalInterface
public interface Holds {
  Set<InterfaceName> now();

  /** Nothing held (tests, tools). */
  static Holds none() {
    return Set::of;
  }

  /** Always exactly {@code devices}. */
  static Holds of(Set<InterfaceName> devices) {
    Set<InterfaceName> copy = Set.copyOf(devices);
    return () -> copy;
  }
}
