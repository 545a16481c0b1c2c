package io.pvespan.plan;

import io.pvespan.model.Encapsulation;
import io.pvespan.model.Vni;

final class TunnelIds {
  private TunnelIds() {}

  static void check(Encapsulation encapsulation, Vni vni, Long key) {
    if (encapsulation == Encapsulation.AUTO) {
      throw new IllegalArgumentException("a planned tunnel has a concrete encapsulation");
    }
    if (encapsulation.keyed()) {
      if (vni != null || key == null || key < 0 || key > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            encapsulation.json() + " needs a key in 0..4294967295 and no vni");
      }
    } else if (vni == null || key != null) {
      throw new IllegalArgumentException(encapsulation.json() + " needs a vni and no key");
    }
  }
}
