package io.pvespan.controller;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.pve.InventorySource;

/**
 * Builds the controller's {@link InventorySource} from the {@code pve} config section: the seam
 * where the Proxmox API client is plugged in.
 */
@FunctionalInterface
public interface InventorySourceFactory {
  /**
   * @throws IllegalArgumentException with a one-line reason when the source cannot be built
   */
  InventorySource create(ControllerConfig.Pve pve);

  /**
   * {@code pve.inventoryFile}: a {@link FileInventorySource}; {@code pve.url}: the Proxmox API
   * client.
   */
  static InventorySourceFactory production() {
    return pve -> {
      if (pve.inventoryFile() != null) {
        return new FileInventorySource(pve.inventoryFile());
      }
      // The Proxmox API client (PveInventorySource) is wired here once it is merged.
      throw new IllegalArgumentException(
          "pve.url: the Proxmox API client is not available in this build; use pve.inventoryFile");
    };
  }
}
