package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Where a mirror sends copies: straight into a local device ({@code "type":"local"}), or into a
 * tunnel device on this node ({@code "type":"vxlan"|"gretap"|"gre"|"erspan"|"geneve"}).
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.NAME,
    include = JsonTypeInfo.As.EXISTING_PROPERTY,
    property = "type",
    visible = true)
@JsonSubTypes({
  @JsonSubTypes.Type(value = LocalTarget.class, name = "local"),
  @JsonSubTypes.Type(
      value = TunnelTarget.class,
      names = {"vxlan", "gretap", "gre", "erspan", "geneve"})
})
public sealed interface MirrorTarget permits LocalTarget, TunnelTarget {
  /** The JSON discriminator. */
  String type();
}
