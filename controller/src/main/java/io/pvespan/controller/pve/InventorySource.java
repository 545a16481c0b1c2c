package io.pvespan.controller.pve;

import io.pvespan.inventory.Guest;
import java.util.Optional;
import java.util.function.Predicate;

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

  /**
   * Which guests the controller needs NICs for: a source that pays per guest for NICs (the Proxmox
   * API: one config request per guest) may leave the others without NICs. The predicate sees a
   * guest without NICs. Takes effect from the next {@link #poll()}; guests that become of interest
   * get their NICs then. May be called from any thread, any number of times; the last call wins.
   * The default ignores it (every guest keeps its NICs), right for sources where NICs cost nothing.
   */
  default void interest(Predicate<Guest> guestsOfInterest) {}

  /**
   * Re-reads one guest's NICs now, without a poll: for the Proxmox API one {@code GET
   * /nodes/{node}/{type}/{vmid}/config}, which also refreshes what later polls reuse. {@code known}
   * is the guest as the last poll described it (its node, type and state address the read). Returns
   * the guest with its NICs as configured now; empty when this source cannot read one guest alone
   * (the caller polls instead), which is the default. Never called concurrently with {@link
   * #poll()} by the controller.
   *
   * @throws PveException when the read fails (the guest may have moved: the caller polls)
   */
  default Optional<Guest> refreshGuest(Guest known) throws PveException {
    return Optional.empty();
  }
}
