package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The inventory indexed once per plan: guests by vmid, lower-cased tag, pool and node, nodes by
 * name. Every list is sorted by vmid, so whatever order the inventory came in, walks over it are
 * deterministic. Templates are kept (a sensor lookup must still find them) but never offered as
 * candidates.
 */
final class InventoryIndex {
  private final Map<String, InventoryNode> nodes = new TreeMap<>();
  private final Map<VmId, Guest> byVmid = new HashMap<>();
  private final Map<String, List<Guest>> byTag = new HashMap<>();
  private final Map<String, List<Guest>> byPool = new HashMap<>();
  private final Map<String, List<Guest>> byNode = new HashMap<>();
  private final List<Guest> candidates = new ArrayList<>();

  InventoryIndex(Inventory inventory) {
    for (InventoryNode node : inventory.nodes()) {
      nodes.putIfAbsent(node.name(), node);
    }
    List<Guest> guests = new ArrayList<>(inventory.guests());
    guests.sort(Comparator.comparing(Guest::vmid));
    for (Guest guest : guests) {
      if (byVmid.putIfAbsent(guest.vmid(), guest) != null || guest.template()) {
        continue;
      }
      candidates.add(guest);
      for (String tag : guest.tags()) {
        List<Guest> list = byTag.computeIfAbsent(normalTag(tag), t -> new ArrayList<>());
        // A guest listing a tag twice (any case) appears once.
        if (list.isEmpty() || list.get(list.size() - 1) != guest) {
          list.add(guest);
        }
      }
      if (guest.pool() != null) {
        byPool.computeIfAbsent(guest.pool(), p -> new ArrayList<>()).add(guest);
      }
      byNode.computeIfAbsent(guest.node(), n -> new ArrayList<>()).add(guest);
    }
  }

  /** Tags compare case-insensitively (Proxmox itself treats them so by default). */
  static String normalTag(String tag) {
    return tag.toLowerCase(Locale.ROOT);
  }

  /** Nodes by name, sorted. */
  Map<String, InventoryNode> nodes() {
    return nodes;
  }

  InventoryNode node(String name) {
    return nodes.get(name);
  }

  /** Any guest with this vmid, templates included; null when absent. */
  Guest guest(VmId vmid) {
    return byVmid.get(vmid);
  }

  /** Every guest that may be a source (no templates), sorted by vmid. */
  List<Guest> candidates() {
    return candidates;
  }

  List<Guest> withTag(String tag) {
    return byTag.getOrDefault(normalTag(tag), List.of());
  }

  List<Guest> inPool(String pool) {
    return byPool.getOrDefault(pool, List.of());
  }

  List<Guest> onNode(String node) {
    return byNode.getOrDefault(node, List.of());
  }
}
