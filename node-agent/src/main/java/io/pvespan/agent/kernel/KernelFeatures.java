package io.pvespan.agent.kernel;

import io.pvespan.model.Encapsulation;
import io.pvespan.status.KernelCapabilities;

/**
 * What the kernel offers, as probed: the published {@link KernelCapabilities} plus {@code bpf} (the
 * classifier filter rules compile to), and {@code problem}: why nothing can be mirrored here (the
 * probe failed, or the basics are missing), null when mirroring works.
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
    boolean geneve,
    String problem) {

  /** Probed features without a problem. */
  public KernelFeatures(
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
    this(
        matchall,
        flower,
        u32,
        bpf,
        mirred,
        clsact,
        vxlan,
        gretap,
        gre,
        erspan,
        geneve,
        missingBasics(mirred, matchall, u32));
  }

  /** Nothing usable, because the probe itself could not run: {@code why} says what failed. */
  public static KernelFeatures unprobed(String why) {
    return new KernelFeatures(
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        "the kernel probe failed: " + why);
  }

  /** Why no mirror can work here, or empty: the probe failed, or mirred/classifiers are missing. */
  public java.util.Optional<String> unusable() {
    return java.util.Optional.ofNullable(problem);
  }

  private static String missingBasics(boolean mirred, boolean matchall, boolean u32) {
    if (!mirred) {
      return "this kernel has no mirred action: nothing can be mirrored";
    }
    return matchall || u32 ? null : "this kernel has neither the matchall nor the u32 classifier";
  }

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
