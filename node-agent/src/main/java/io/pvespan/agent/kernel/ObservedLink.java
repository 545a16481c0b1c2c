package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;

/**
 * A device as {@code ip -j -d link show} reports it: its kind ({@code veth}, {@code vxlan}... or
 * null), whether it is administratively up, its MTU, the kind of its root qdisc, and tunnel
 * parameters for tunnel kinds (null otherwise), and its ifindex (a re-created device gets a new
 * one).
 */
public record ObservedLink(
    InterfaceName name,
    String kind,
    boolean up,
    int mtu,
    String rootQdisc,
    TunnelParams tunnel,
    int ifindex) {

  /** A link whose ifindex is unknown (0). */
  public ObservedLink(
      InterfaceName name, String kind, boolean up, int mtu, String rootQdisc, TunnelParams tunnel) {
    this(name, kind, up, mtu, rootQdisc, tunnel, 0);
  }

  /**
   * What identifies a tunnel device: its kind, VNI or key (null when not printed), local and remote
   * address (null when absent) and UDP port (VXLAN/Geneve).
   */
  public record TunnelParams(String kind, Long id, String local, String remote, Integer port) {}
}
