package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.model.VmId;
import java.util.List;
import java.util.Map;

/**
 * One unpaused session planned on its own: what it adds to each node, its warnings and errors, and
 * what it depended on in the inventory. Its value is a function of the specs, the inventory's
 * nodes, the guests in {@code selected} and the sensor guest {@code sensor}, nothing else: a
 * re-plan keeps it while none of those changed (see {@link IncrementalPlanner}).
 *
 * @param sensor the sensor VM's vmid, null for a remote collector or an unknown sensorRef
 * @param selected the selected guests sorted by vmid, null when the target did not resolve (the
 *     sources were never selected)
 * @param parts by node name, only nodes it adds something to
 */
record SessionOutcome(
    VmId sensor,
    List<Guest> selected,
    Map<String, NodePart> parts,
    List<String> warnings,
    List<String> errors) {

  /** True when {@code vmid} is among the selected guests (binary search: they are sorted). */
  boolean selects(VmId vmid) {
    if (selected == null) {
      return false;
    }
    int lo = 0;
    int hi = selected.size() - 1;
    int key = vmid.value();
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int v = selected.get(mid).vmid().value();
      if (v < key) {
        lo = mid + 1;
      } else if (v > key) {
        hi = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }
}
