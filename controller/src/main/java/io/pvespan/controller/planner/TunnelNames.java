package io.pvespan.controller.planner;

import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.TunnelDevice;

/**
 * Names of the tunnel devices pvespan creates: {@link TunnelDevice#NAME_PREFIX} ({@code psp}), one
 * letter for the type, the id in hex: {@code pspv} + 6 hex (VXLAN VNI), {@code pspu} + 6 hex
 * (Geneve VNI), {@code pspg} / {@code pspe} / {@code pspn} + 8 hex (gretap / gre / erspan key). At
 * most 12 characters, within IFNAMSIZ. The name depends only on type and id, so a node holds one
 * device per id: the kernel allows one VXLAN device per VNI and port anyway.
 */
final class TunnelNames {
  private TunnelNames() {}

  static InterfaceName of(Encapsulation encapsulation, long id) {
    String name =
        switch (encapsulation.resolve()) {
          case VXLAN -> String.format("pspv%06x", id);
          case GENEVE -> String.format("pspu%06x", id);
          case GRETAP -> String.format("pspg%08x", id);
          case GRE -> String.format("pspe%08x", id);
          case ERSPAN -> String.format("pspn%08x", id);
          case AUTO -> throw new IllegalStateException("resolve() never gives AUTO");
        };
    return InterfaceName.of(name);
  }

  /** UDP destination port: VXLAN 4789 and Geneve 6081 (IANA); null for the GRE family. */
  static Integer dstPort(Encapsulation encapsulation) {
    return switch (encapsulation.resolve()) {
      case VXLAN -> 4789;
      case GENEVE -> 6081;
      default -> null;
    };
  }
}
