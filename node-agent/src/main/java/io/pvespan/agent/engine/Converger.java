package io.pvespan.agent.engine;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.KernelCapabilities;

/**
 * Makes this node's kernel match a plan. Implementations only ever touch what is ours (action
 * cookie, reserved filter priority, {@code psp} device prefix) and never what Proxmox or anyone
 * else created.
 */
public interface Converger {
  /** What the kernel offers; probed once at start. */
  KernelCapabilities capabilities();

  /** Why nothing can be mirrored on this kernel (the probe failed...), or empty. */
  default java.util.Optional<String> unusable() {
    return java.util.Optional.empty();
  }

  /**
   * Observes the kernel, compares it with {@code plan} (entries for devices that exist now),
   * applies the difference and reads it back. Idempotent: with nothing to change it performs no
   * writes. Adopts rules already present (no flush). Never throws for a kernel failure: it is
   * reported.
   */
  ConvergeReport converge(NodeMirrorPlan plan, Holds held);

  /**
   * {@link #converge(NodeMirrorPlan, Holds)} with {@code held} devices ({@link PlugSettling}): no
   * qdisc is created on them (filters still go onto qdiscs that exist); entries needing one wait.
   */
  default ConvergeReport converge(NodeMirrorPlan plan) {
    return converge(plan, Holds.none());
  }

  /**
   * A converge triggered by an event naming {@code device}: implementations may observe and change
   * only what concerns that device (a tap that appeared or was wiped), and fall back to a full
   * {@link #converge} whenever that is not clearly enough. Same contract otherwise; the periodic
   * full converge stays the safety net. The default is the full converge.
   */
  default ConvergeReport convergeDevice(NodeMirrorPlan plan, String device, Holds held) {
    return converge(plan, held);
  }

  default ConvergeReport convergeDevice(NodeMirrorPlan plan, String device) {
    return convergeDevice(plan, device, Holds.none());
  }
}
