package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pvespan.model.InterfaceName;
import java.util.Objects;

/** Mirror straight into a device on the same node (the sensor guest's tap/veth). */
@JsonPropertyOrder({"type", "interface"})
public record LocalTarget(@JsonProperty("interface") InterfaceName device) implements MirrorTarget {
  public LocalTarget {
    Objects.requireNonNull(device, "interface");
  }

  @JsonCreator
  static LocalTarget create(
      @JsonProperty("type") String type, @JsonProperty("interface") InterfaceName device) {
    return new LocalTarget(device);
  }

  @Override
  @JsonProperty("type")
  public String type() {
    return "local";
  }
}
