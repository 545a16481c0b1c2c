package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.Vni;
import java.util.Objects;

/**
 * A collector outside the cluster, reached by encapsulation. VXLAN/Geneve use {@code vni}; the GRE
 * family uses {@code key} (32 bits). An IPv4 or IPv6 literal, never a host name: the agent must not
 * resolve names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemoteCollector(String address, Encapsulation encapsulation, Vni vni, Long key) {
  public RemoteCollector {
    Objects.requireNonNull(address, "address");
    if (encapsulation == null) {
      encapsulation = Encapsulation.VXLAN;
    }
    encapsulation = encapsulation.resolve();
    if (key != null && (key < 0 || key > 0xFFFF_FFFFL)) {
      throw new IllegalArgumentException("key " + key + " is outside 0..4294967295");
    }
  }
}
