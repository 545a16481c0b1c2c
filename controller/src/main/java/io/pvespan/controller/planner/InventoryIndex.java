package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.Collections;
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
 * candidates. A re-plan uses a lookup-only index ({@link #lookups}): nodes and guests by vmid, no
 * selection indexes (it selects from the previous selection instead).
 */
final class InventoryIndex {
  private final Map<String, InventoryNode> nodes;
  private final Map<VmId, Guest> byVmid;
  private final boolean duplicates;
  private final Map<String, List<Guest>> byTag = new HashMap<>();
  private final Map<String, List<Guest>> byPool = new HashMap<>();
  private final Map<String, List<Guest>> byNode = new HashMap<>();
  private final List<Guest> candidates;
  private final List<InventoryNode> standbyNodes;

  InventoryIndex(Inventory inventory) {
    nodes = nodeMap(inventory);
    standbyNodes = standbyNodes(nodes);
    byVmid = new HashMap<>();
    candidates = new ArrayList<>();
    List<Guest> guests = new ArrayList<>(inventory.guests());
    guests.sort(Comparator.comparing(Guest::vmid));
    boolean twice = false;
    for (Guest guest : guests) {
      if (byVmid.putIfAbsent(guest.vmid(), guest) != null) {
        twice = true;
        continue;
      }
      if (guest.template()) {
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
    duplicates = twice;
  }

  private InventoryIndex(Map<String, InventoryNode> nodes, Map<VmId, Guest> byVmid) {
    this.nodes = nodes;
    this.standbyNodes = standbyNodes(nodes);
    this.byVmid = byVmid;
    this.duplicates = false;
    this.candidates = null;
  }

  /**
   * An index that only looks up nodes and guests by vmid (the maps are used as they are, not
   * copied); the selection methods throw.
   */
  static InventoryIndex lookups(Map<String, InventoryNode> nodes, Map<VmId, Guest> byVmid) {
    return new InventoryIndex(nodes, byVmid);
  }

  /** Nodes by name, sorted; the first of a duplicate name wins. */
  static Map<String, InventoryNode> nodeMap(Inventory inventory) {
    Map<String, InventoryNode> nodes = new TreeMap<>();
    for (InventoryNode node : inventory.nodes()) {
      nodes.putIfAbsent(node.name(), node);
    }
    return Collections.unmodifiableMap(nodes);
  }

  private static List<InventoryNode> standbyNodes(Map<String, InventoryNode> nodes) {
    return nodes.values().stream().filter(n -> n.online() && n.address() != null).toList();
  }

  /** Tags compare case-insensitively (Proxmox itself treats them so by default). */
  static String normalTag(String tag) {
    return tag.toLowerCase(Locale.ROOT);
  }

  /** Nodes by name, sorted. */
  Map<String, InventoryNode> nodes() {
    return nodes;
  }

  /**
   * The nodes a roaming guest may resume on ({@link Roaming}): online, with an address, by name.
   */
  List<InventoryNode> standbyNodes() {
    return standbyNodes;
  }

  InventoryNode node(String name) {
    return nodes.get(name);
  }

  /** Any guest with this vmid, templates included; null when absent. */
  Guest guest(VmId vmid) {
    return byVmid.get(vmid);
  }

  /** Guests by vmid (for the first guest of a duplicated vmid: see {@link #hasDuplicates}). */
  Map<VmId, Guest> guests() {
    return Collections.unmodifiableMap(byVmid);
  }

  /**
   * True when two guests of the inventory share a vmid (only the first, in input order, counts).
   */
  boolean hasDuplicates() {
    return duplicates;
  }

  /** Every guest that may be a source (no templates), sorted by vmid. */
  List<Guest> candidates() {
    return selectable(candidates);
  }

  List<Guest> withTag(String tag) {
    return selectable(byTag.getOrDefault(normalTag(tag), List.of()));
  }

  List<Guest> inPool(String pool) {
    return selectable(byPool.getOrDefault(pool, List.of()));
  }

  List<Guest> onNode(String node) {
    return selectable(byNode.getOrDefault(node, List.of()));
  }

  private <T> T selectable(T value) {
    if (candidates == null) {
      throw new IllegalStateException("a lookup-only index has no selection indexes");
    }
    return value;
  }
}
