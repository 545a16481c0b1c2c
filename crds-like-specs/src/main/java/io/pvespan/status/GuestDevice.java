package io.pvespan.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pvespan.model.InterfaceName;
import java.util.Objects;

/**
 * A guest's host device present on a node ({@code tap<vmid>i<n>} or {@code veth<vmid>i<n>}) and its
 * ifindex: a device that comes back with another ifindex was plugged again by Proxmox.
 */
public record GuestDevice(@JsonProperty("interface") InterfaceName device, int ifindex) {
  public GuestDevice {
    Objects.requireNonNull(device, "interface");
    if (ifindex < 1) {
      throw new IllegalArgumentException("ifindex " + ifindex + " is not positive");
    }
  }
}
