package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.Vni;
import java.util.Objects;

/**
 * Mirror into the tunnel {@code device} (listed in the plan's {@code tunnels}) that carries copies
 * to {@code remote}. VXLAN/Geneve carry a {@code vni}, the GRE family a {@code key}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "device", "remote", "vni", "key"})
public record TunnelTarget(
    @JsonIgnore Encapsulation encapsulation, InterfaceName device, String remote, Vni vni, Long key)
    implements MirrorTarget {
  public TunnelTarget {
    Objects.requireNonNull(encapsulation, "type");
    encapsulation = encapsulation.resolve();
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(remote, "remote");
    TunnelIds.check(encapsulation, vni, key);
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  static TunnelTarget create(
      @JsonProperty("type") String type,
      @JsonProperty("device") InterfaceName device,
      @JsonProperty("remote") String remote,
      @JsonProperty("vni") Vni vni,
      @JsonProperty("key") Long key) {
    return new TunnelTarget(Encapsulation.parse(type), device, remote, vni, key);
  }

  @Override
  @JsonProperty("type")
  public String type() {
    return encapsulation.json();
  }
}
