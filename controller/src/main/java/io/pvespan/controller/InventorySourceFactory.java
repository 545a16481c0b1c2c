package io.pvespan.controller;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.inventory.FileInventorySource;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.PveConnection;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.controller.pve.PveTls;
import io.pvespan.controller.pve.PveToken;
import java.time.Duration;

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
    return production(PveConnection.DEFAULT_CONNECT_TIMEOUT, PveConnection.DEFAULT_READ_TIMEOUT);
  }

  /** As {@link #production()}, with other timeouts for the Proxmox API (tests of a slow API). */
  public static InventorySourceFactory production(Duration connectTimeout, Duration readTimeout) {
    return pve -> {
      if (pve.inventoryFile() != null) {
        return new FileInventorySource(pve.inventoryFile());
      }
      try {
        // The config loader has already read pve.tokenFile (with its mode check).
        PveTls tls =
            pve.fingerprint() != null
                ? new PveTls.Pinned(pve.fingerprint())
                : pve.caFile() != null
                    ? new PveTls.CaFile(pve.caFile())
                    : pve.insecure() ? new PveTls.Insecure() : new PveTls.SystemTrust();
        PveInventorySource source =
            PveInventorySource.open(
                PveConnection.of(pve.url().toString(), PveToken.parse(pve.token().value()), tls)
                    .withTimeouts(connectTimeout, readTimeout));
        source.setRollingRefresh(PveInventorySource.CONTROLLER_ROLLING_REFRESH);
        return source;
      } catch (IllegalArgumentException | PveException e) {
        throw new IllegalArgumentException("pve: " + e.getMessage());
      }
    };
  }
}
