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
 * A tunnel device the agent creates and owns (its name carries the reserved prefix {@link
 * #NAME_PREFIX}). A SEND device encapsulates to {@code remote}; a RECEIVE device (remote null)
 * decapsulates what arrives for its id on {@code local}. {@code dstPort} is the UDP port for VXLAN
 * (4789) and Geneve (6081), null for the GRE family. {@code mtu} is the device MTU.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"device", "type", "role", "local", "remote", "vni", "key", "dstPort", "mtu"})
public record TunnelDevice(
    InterfaceName device,
    @JsonIgnore Encapsulation encapsulation,
    TunnelRole role,
    String local,
    String remote,
    Vni vni,
    Long key,
    Integer dstPort,
    int mtu) {
  /** Every device pvespan creates starts with this; the agent never touches other devices. */
  public static final String NAME_PREFIX = "psp";

  public TunnelDevice {
    Objects.requireNonNull(device, "device");
    if (!device.value().startsWith(NAME_PREFIX)) {
      throw new IllegalArgumentException(
          "tunnel device " + device + " must start with '" + NAME_PREFIX + "'");
    }
    Objects.requireNonNull(encapsulation, "type");
    encapsulation = encapsulation.resolve();
    Objects.requireNonNull(role, "role");
    if (role == TunnelRole.SEND && remote == null) {
      throw new IllegalArgumentException("send tunnel " + device + " needs a remote");
    }
    TunnelIds.check(encapsulation, vni, key);
    if (mtu < 68 || mtu > 65535) {
      throw new IllegalArgumentException(
          "tunnel " + device + " mtu " + mtu + " is outside 68..65535");
    }
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  static TunnelDevice create(
      @JsonProperty("device") InterfaceName device,
      @JsonProperty("type") String type,
      @JsonProperty("role") TunnelRole role,
      @JsonProperty("local") String local,
      @JsonProperty("remote") String remote,
      @JsonProperty("vni") Vni vni,
      @JsonProperty("key") Long key,
      @JsonProperty("dstPort") Integer dstPort,
      @JsonProperty("mtu") int mtu) {
    return new TunnelDevice(
        device, Encapsulation.parse(type), role, local, remote, vni, key, dstPort, mtu);
  }

  @JsonProperty("type")
  public String type() {
    return encapsulation.json();
  }
}
