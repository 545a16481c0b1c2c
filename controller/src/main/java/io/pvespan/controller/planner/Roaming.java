package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.InventoryNode;
import java.util.List;

/**
 * Guests that may be running on another node before the controller's next poll shows it. A live
 * migration creates, bridges and rate-limits the target node's tap before the RAM copy while the
 * guest carries {@code lock: migrate} on the source node, and the guest resumes on the target the
 * moment the config moves; HA recovers a guest of an offline node elsewhere. Such a guest is
 * <em>roaming</em>: it is planned where it is and, on standby (waiting for its device), on every
 * node it may resume on, so no node mirrors nothing while the controller catches up. Its device
 * name is unique in the cluster and exists only where it runs, so standby entries elsewhere cost
 * nothing.
 */
final class Roaming {
  /** Proxmox's config lock while a guest migrates. */
  static final String MIGRATE_LOCK = "migrate";

  private Roaming() {}

  /**
   * Why {@code guest} roams, as a phrase after "guest N" ("is migrating"), or null when it does
   * not: it is locked for migration, or its node is offline or not in the inventory.
   */
  static String reason(Guest guest, InventoryIndex index) {
    if (MIGRATE_LOCK.equals(guest.lock())) {
      return "is migrating";
    }
    InventoryNode node = index.node(guest.node());
    if (node == null) {
      return "is on node " + guest.node() + ", which is not in the inventory";
    }
    return node.online() ? null : "is on offline node " + node.name();
  }

  /**
   * The nodes other than {@code current} that a roaming guest may resume on: online, with an
   * address (a node without one can take part in no tunnel), sorted by name.
   */
  static List<InventoryNode> elsewhere(String current, InventoryIndex index) {
    return index.standbyNodes().stream().filter(n -> !n.name().equals(current)).toList();
  }
}
