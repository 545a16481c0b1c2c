package io.pvespan.controller;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.inventory.FileInventorySource;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.controller.pve.PveOptions;

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
   * client, with a {@linkplain PveInventorySource#CONTROLLER_ROLLING_REFRESH rolling refresh} of
   * guest configs (a NIC edited on a running guest changes nothing in {@code /cluster/resources}).
   */
  public static InventorySourceFactory production() {
    return pve -> {
      if (pve.inventoryFile() != null) {
        return new FileInventorySource(pve.inventoryFile());
      }
      try {
        // The config loader has already read pve.tokenFile (with its mode check).
        PveInventorySource source =
            PveInventorySource.open(
                PveOptions.of(
                        pve.url().toString(),
                        pve.token().value(),
                        null,
                        pve.fingerprint(),
                        pve.caFile(),
                        pve.insecure())
                    .connection());
        source.setRollingRefresh(PveInventorySource.CONTROLLER_ROLLING_REFRESH);
        return source;
      } catch (PveOptions.UsageException | PveException e) {
        throw new IllegalArgumentException("pve: " + e.getMessage());
      }
    };
  }
}
