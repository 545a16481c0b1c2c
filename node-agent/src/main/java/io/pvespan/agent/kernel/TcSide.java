package io.pvespan.agent.kernel;

import io.pvespan.model.Direction;

/**
 * Which tc hook of a device a filter sits on. INGRESS: the {@code ingress} qdisc ({@code ffff:}),
 * what the device receives, i.e. what a VM sends. EGRESS: the root qdisc, what the device
 * transmits, i.e. what a VM receives.
 */
public enum TcSide {
  INGRESS,
  EGRESS;

  /** The sides a VM-relative direction needs on the VM's host device. */
  public static java.util.List<TcSide> forVmDirection(Direction d) {
    if (d == Direction.BOTH) {
      return java.util.List.of(INGRESS, EGRESS);
    }
    return java.util.List.of(d == Direction.EGRESS ? INGRESS : EGRESS);
  }

  /** How drift items name it: {@code ingress} / {@code egress}. */
  public String word() {
    return this == INGRESS ? "ingress" : "egress";
  }
}
