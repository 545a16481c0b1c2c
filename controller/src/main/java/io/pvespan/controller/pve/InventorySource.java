package io.pvespan.controller.pve;

/**
 * Where the controller learns the cluster's state (the Proxmox API, or a saved inventory file). One
 * {@link #poll()} is one polite cycle against the API.
 */
public interface InventorySource {
  /**
   * Reads the cluster now.
   *
   * @throws PveException when the cluster cannot be read; its message is one line for the user
   */
  InventorySnapshot poll() throws PveException;
}
