package io.pvespan.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A cluster node. {@code address} is the underlay IP tunnels use (from {@code /cluster/status}
 * {@code ip}, or an override); {@code mtu} is the underlay MTU (1500 when unknown).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InventoryNode(String name, String address, boolean online, Integer mtu) {
  public static final int DEFAULT_MTU = 1500;

  public InventoryNode {
    Objects.requireNonNull(name, "name");
    mtu = mtu == null ? DEFAULT_MTU : mtu;
  }
}
