package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.VmId;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link MirrorPlanner#replan}: a plan computed from the previous {@link PlanContext} by redoing
 * only what the changed guests can touch.
 *
 * <p>Why the answer equals a full plan: a session's outcome is a function of the specs, the
 * inventory's nodes, the guests it selects and its sensor guest (see {@link SessionOutcome}), and
 * whether a guest is selected depends on that guest alone ({@link SourceMatcher#selects}). So with
 * the same specs and nodes, a session none of whose previously selected guests, newly selectable
 * guests or sensor guest changed has the same outcome; the others are planned again, their new
 * selection being the old one minus the changed guests plus the changed guests it now selects. A
 * node's plan is a function of the sessions' contributions to it (in session order) and the
 * previous plan of that node: nodes where no contribution changed keep their plan, the others are
 * assembled again against the same previous plans a full plan would see. Each packet once per
 * sensor ({@link OncePerSensor}) depends only on what each session copies where the guests are not
 * (device, MAC, direction, filter): while the re-planned sessions' captures are the same, the
 * previous value holds; otherwise it is computed again and the nodes where it treats an entry
 * differently are assembled again too.
 */
final class IncrementalPlanner {
  /** Above this share of changed guests (1 in N) a full plan is about as cheap: do that. */
  private static final int FULL_PLAN_SHARE = 20;

  private static final int MIN_CHANGED_LIMIT = 64;

  private IncrementalPlanner() {}

  /** The next context, or null when a full plan is needed (see {@link MirrorPlanner#replan}). */
  static PlanContext replan(PlanContext previous, SpecSet specs, Inventory inventory) {
    if (previous.duplicateVmids()
        || !specs.groups().isEmpty() // a member's VM changing moves every group session's shares
        || !specs.equals(previous.specs())
        || !inventory.nodes().equals(previous.nodeList())) {
      return null;
    }
    Map<VmId, Guest> old = previous.guests();
    Map<VmId, Guest> now = new HashMap<>(inventory.guests().size() * 4 / 3 + 1);
    Set<VmId> changed = new TreeSet<>();
    int kept = 0;
    for (Guest guest : inventory.guests()) {
      if (now.put(guest.vmid(), guest) != null) {
        return null; // a duplicated vmid: the full plan's rule (first in input order) applies
      }
      Guest before = old.get(guest.vmid());
      if (before == null) {
        changed.add(guest.vmid());
      } else {
        kept++;
        if (before != guest && !before.equals(guest)) {
          changed.add(guest.vmid());
        }
      }
    }
    if (kept < old.size()) {
      for (VmId vmid : old.keySet()) {
        if (!now.containsKey(vmid)) {
          changed.add(vmid);
        }
      }
    }
    if (changed.size() > Math.max(MIN_CHANGED_LIMIT, now.size() / FULL_PLAN_SHARE)) {
      return null;
    }
    InventoryIndex index = InventoryIndex.lookups(previous.nodes(), now);
    // The facts (tunnel ids included) depend on the specs and node names only: both unchanged.
    SessionPlanner planner = new SessionPlanner(index, previous.facts());
    List<MirrorSession> sessions = specs.sessions();
    List<SessionOutcome> outcomes = new ArrayList<>(previous.outcomes());
    Set<String> dirty = new TreeSet<>();
    boolean capturesChanged = false;
    for (int i = 0; i < outcomes.size(); i++) {
      SessionOutcome was = outcomes.get(i);
      MirrorSession session = sessions.get(i);
      if (was == null || !affected(was, session.spec().sources(), changed, now)) {
        continue;
      }
      SessionOutcome is = planner.plan(session, sources -> select(was, sources, changed, now));
      capturesChanged |=
          !OncePerSensor.captures(session, was).equals(OncePerSensor.captures(session, is));
      outcomes.set(i, is);
      Set<String> touched = new HashSet<>(was.parts().keySet());
      touched.addAll(is.parts().keySet());
      for (String node : touched) {
        if (!Objects.equals(was.parts().get(node), is.parts().get(node))) {
          dirty.add(node);
        }
      }
    }
    OncePerSensor once = previous.once();
    if (capturesChanged) {
      // What reaches a sensor changed: any session's exclusions may change, on any node.
      once = OncePerSensor.of(sessions, outcomes);
      dirty.addAll(onceChanged(sessions, outcomes, previous.once(), once));
    }
    Map<String, NodeMirrorPlan> plans = new TreeMap<>(previous.plans());
    Map<String, List<String>> nodeErrors = new TreeMap<>(previous.nodeErrors());
    for (String node : dirty) {
      PlanAssembly.Assembled assembled =
          PlanAssembly.node(node, sessions, outcomes, previous.plans(), once);
      plans.put(node, assembled.plan());
      if (assembled.errors().isEmpty()) {
        nodeErrors.remove(node);
      } else {
        nodeErrors.put(node, assembled.errors());
      }
    }
    return MirrorPlanner.context(
        specs, previous.facts(), inventory, index, outcomes, once, plans, nodeErrors);
  }

  /** The nodes holding an entry that {@code before} and {@code after} treat differently. */
  private static Set<String> onceChanged(
      List<MirrorSession> sessions,
      List<SessionOutcome> outcomes,
      OncePerSensor before,
      OncePerSensor after) {
    Set<String> nodes = new TreeSet<>();
    for (int i = 0; i < outcomes.size(); i++) {
      SessionOutcome o = outcomes.get(i);
      if (o == null) {
        continue;
      }
      String name = sessions.get(i).name();
      o.parts()
          .forEach(
              (node, part) -> {
                if (!nodes.contains(node)
                    && part.mirrors().stream()
                        .anyMatch(
                            e -> !Objects.equals(before.apply(name, e), after.apply(name, e)))) {
                  nodes.add(node);
                }
              });
    }
    return nodes;
  }

  /** True when a changed guest is the session's sensor, was selected, or is selected now. */
  private static boolean affected(
      SessionOutcome was, SourceSelector sources, Set<VmId> changed, Map<VmId, Guest> now) {
    for (VmId vmid : changed) {
      if (vmid.equals(was.sensor()) || was.selects(vmid)) {
        return true;
      }
      Guest guest = now.get(vmid);
      if (guest != null && SourceMatcher.selects(sources, guest)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The session's selection in the new inventory: the previous one without the changed guests, plus
   * the changed guests it selects now; every guest as the new inventory has it. Without a previous
   * selection (the sensor did not resolve then), every guest is checked.
   */
  private static List<Guest> select(
      SessionOutcome was, SourceSelector sources, Set<VmId> changed, Map<VmId, Guest> now) {
    List<Guest> selected = new ArrayList<>();
    Iterable<VmId> check;
    if (was.selected() == null) {
      check = now.keySet();
    } else {
      for (Guest guest : was.selected()) {
        if (!changed.contains(guest.vmid())) {
          selected.add(now.get(guest.vmid()));
        }
      }
      check = changed;
    }
    int unchanged = selected.size();
    for (VmId vmid : check) {
      Guest guest = now.get(vmid);
      if (guest != null && SourceMatcher.selects(sources, guest)) {
        selected.add(guest);
      }
    }
    if (selected.size() > unchanged) {
      selected.sort(Comparator.comparing(Guest::vmid));
    }
    return selected;
  }
}
