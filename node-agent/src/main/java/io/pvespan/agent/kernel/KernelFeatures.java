package io.pvespan.agent.kernel;

import io.pvespan.model.Encapsulation;
import io.pvespan.status.KernelCapabilities;

/**
 * What the kernel offers, as probed: the published {@link KernelCapabilities} plus {@code bpf} (the
 * classifier filter rules compile to).
 */
public record KernelFeatures(
    boolean matchall,
    boolean flower,
    boolean u32,
    boolean bpf,
    boolean mirred,
    boolean clsact,
    boolean vxlan,
    boolean gretap,
    boolean gre,
    boolean erspan,
    boolean geneve) {

  /** Everything a real Proxmox VE kernel has; for rendering tests. */
  public static KernelFeatures full() {
    return new KernelFeatures(true, true, true, true, true, true, true, true, true, true, true);
  }

  public KernelCapabilities toStatus() {
    return new KernelCapabilities(
        matchall, flower, u32, mirred, clsact, vxlan, gretap, gre, erspan, geneve);
  }

  /** Whether tunnels of this encapsulation can be created here. */
  public boolean supports(Encapsulation e) {
    return switch (e.resolve()) {
      case VXLAN, AUTO -> vxlan;
      case GRETAP -> gretap;
      case GRE -> gre;
      case ERSPAN -> erspan;
      case GENEVE -> geneve;
    };
  }
}
