package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.SourceSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which guests a session's {@code sources} select. Each present field narrows (AND), a list is
 * any-of, {@code exclude} removes what it matches; templates are never candidates. The candidate
 * set comes from the most selective index (vmids, then tags, pools, nodes), and every present field
 * is then checked, so the index only saves work and never changes the answer.
 */
final class SourceMatcher {
  private SourceMatcher() {}

  /** The selected guests, sorted by vmid, each once. */
  static List<Guest> select(SourceSelector selector, InventoryIndex index) {
    List<Guest> candidates = candidates(selector, index);
    SourceSelector rest = withoutIndexedField(selector);
    boolean check = hasGuestField(rest);
    boolean exclude = selector.exclude() != null;
    if (!check && !exclude) {
      return candidates;
    }
    List<Guest> selected = new ArrayList<>();
    for (Guest guest : candidates) {
      if ((!check || matches(rest, guest)) && !excluded(selector.exclude(), guest)) {
        selected.add(guest);
      }
    }
    return selected;
  }

  /**
   * The same rule for one guest: true exactly when {@link #select} over an inventory holding {@code
   * guest} (its vmid once) contains it. A re-plan uses it to update a previous selection.
   */
  static boolean selects(SourceSelector selector, Guest guest) {
    return !guest.template() && matches(selector, guest) && !excluded(selector.exclude(), guest);
  }

  /**
   * The fields left to check once the candidates came from the index of the first present field
   * among vmids, tags, pools and nodes (every candidate matches that field already).
   */
  private static SourceSelector withoutIndexedField(SourceSelector s) {
    if (s.vmids() != null) {
      return new SourceSelector(null, s.tags(), s.pools(), s.nodes(), s.types(), null, null);
    }
    if (s.tags() != null) {
      return new SourceSelector(null, null, s.pools(), s.nodes(), s.types(), null, null);
    }
    if (s.pools() != null) {
      return new SourceSelector(null, null, null, s.nodes(), s.types(), null, null);
    }
    return new SourceSelector(null, null, null, null, s.types(), null, null);
  }

  /**
   * True when every present guest field of {@code selector} matches ({@code nics} is about NICs,
   * not guests, and is ignored here).
   */
  static boolean matches(SourceSelector selector, Guest guest) {
    return (selector.vmids() == null || selector.vmids().contains(guest.vmid()))
        && (selector.tags() == null || hasAnyTag(guest, selector.tags()))
        && (selector.pools() == null
            || (guest.pool() != null && selector.pools().contains(guest.pool())))
        && (selector.nodes() == null || selector.nodes().contains(guest.node()))
        && (selector.types() == null || selector.types().contains(guest.type()));
  }

  /**
   * An exclude without {@code nics} removes the guests it matches. One with no guest field removes
   * no guest ({@code exclude: {}} must not silently empty a session); one with {@code nics} removes
   * only those NICs (see {@link #excludedNic}).
   */
  static boolean excluded(SourceSelector exclude, Guest guest) {
    return exclude != null
        && exclude.nics() == null
        && hasGuestField(exclude)
        && matches(exclude, guest);
  }

  /** An exclude with {@code nics} removes those NICs of the guests its other fields match. */
  static boolean excludedNic(SourceSelector exclude, Guest guest, NicId nic) {
    return exclude != null
        && exclude.nics() != null
        && exclude.nics().contains(nic)
        && matches(exclude, guest);
  }

  static boolean hasGuestField(SourceSelector s) {
    return s.vmids() != null
        || s.tags() != null
        || s.pools() != null
        || s.nodes() != null
        || s.types() != null;
  }

  /**
   * Tags compare as the tag index does ({@link InventoryIndex#normalTag}), so a tag matches the
   * same whether the candidates came from the index or are checked here.
   */
  private static boolean hasAnyTag(Guest guest, List<String> wanted) {
    for (String tag : guest.tags()) {
      String normal = InventoryIndex.normalTag(tag);
      for (String w : wanted) {
        if (normal.equals(InventoryIndex.normalTag(w))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Guest> candidates(SourceSelector s, InventoryIndex index) {
    if (s.vmids() != null) {
      List<Guest> out = new ArrayList<>();
      for (VmId vmid : new TreeSet<>(s.vmids())) {
        Guest g = index.guest(vmid);
        if (g != null && !g.template()) {
          out.add(g);
        }
      }
      return out;
    }
    if (s.tags() != null) {
      return union(s.tags().stream().map(index::withTag).toList());
    }
    if (s.pools() != null) {
      return union(s.pools().stream().map(index::inPool).toList());
    }
    if (s.nodes() != null) {
      return union(s.nodes().stream().map(index::onNode).toList());
    }
    return index.candidates();
  }

  private static List<Guest> union(List<List<Guest>> lists) {
    if (lists.size() == 1) {
      return lists.get(0);
    }
    Set<VmId> seen = new HashSet<>();
    List<Guest> out = new ArrayList<>();
    for (List<Guest> list : lists) {
      for (Guest g : list) {
        if (seen.add(g.vmid())) {
          out.add(g);
        }
      }
    }
    out.sort(Comparator.comparing(Guest::vmid));
    return out;
  }
}
