package io.pvespan.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.NicId;
import java.util.Objects;

/**
 * A guest NIC as Proxmox configures it ({@code netN}): bridge, MAC, firewall flag, {@code rate}
 * limit in MB/s (null: none), MTU (null: the bridge's), VLAN tag (null: untagged).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GuestNic(
    NicId id, String bridge, String mac, boolean firewall, Double rate, Integer mtu, Integer tag) {
  public GuestNic {
    Objects.requireNonNull(id, "id");
  }
}
