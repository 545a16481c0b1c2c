package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.plan.Share;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.SensorVm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a session that names a sensor group: its sources once per <em>live</em> member, each entry
 * carrying that member's {@link Share} (index among the live members in the group's order, count =
 * how many are live), so that the agents' flow hash sends every frame to exactly one member and
 * both directions of a flow to the same one.
 *
 * <p>Live: the member's VM is in the inventory, running, on an online node, with the sensor's NIC.
 * A member that is not gets no share and its flows move to the others at this plan (failover); a
 * live-migrating member stays live and is fed where it may resume, as a single sensor would be
 * ({@link Roaming}). When no member is live, every member that resolves keeps its share, waiting,
 * so that copies resume as soon as one runs. Each packet once per sensor ({@link OncePerSensor})
 * treats the group as one sensor: its {@code sensorRef} is the group's name.
 */
final class SensorGroupPlanner {
  private SensorGroupPlanner() {}

  static SessionOutcome plan(
      SessionPlanner planner,
      InventoryIndex index,
      SpecFacts facts,
      MirrorSession session,
      SensorGroup group,
      SessionPlanner.Selection selection) {
    PlanProblems problems = new PlanProblems();
    Map<String, String> down = notLive(group, facts, index);
    List<String> sharing = new ArrayList<>();
    for (String m : group.spec().members()) {
      if (!down.containsKey(m)) {
        sharing.add(m);
      }
    }
    if (sharing.isEmpty()) {
      problems.warn(
          "sensor group "
              + group.name()
              + ": no member is running on an online node ("
              + describe(down)
              + "); session "
              + session.name()
              + "'s copies wait for them");
      sharing.addAll(group.spec().members());
    } else {
      down.forEach(
          (member, why) ->
              problems.warn(
                  "sensor group "
                      + group.name()
                      + ": member "
                      + member
                      + " gets no share of session "
                      + session.name()
                      + " ("
                      + why
                      + "); its flows go to "
                      + live(group.spec().members().size() - down.size())));
    }
    List<Guest> selected = selection.select(session.spec().sources());
    Map<String, NodePart> parts = new HashMap<>();
    boolean resolved = false;
    for (int i = 0; i < sharing.size(); i++) {
      String member = sharing.get(i);
      Share share = new Share(i, sharing.size(), member);
      resolved |=
          planner.planMember(
              session,
              selected,
              new SessionPlanner.Member(
                  member, TunnelIdAllocator.memberKey(session.name(), member), share),
              parts,
              problems);
    }
    parts.replaceAll((node, part) -> part.frozen());
    return new SessionOutcome(
        null,
        resolved ? Collections.unmodifiableList(selected) : null,
        Collections.unmodifiableMap(parts),
        problems.warnings(),
        problems.errors());
  }

  private static String live(int n) {
    return n == 1 ? "the live member" : "the " + n + " live members";
  }

  /** The members that get no share, in the group's order, each with why. */
  static Map<String, String> notLive(SensorGroup group, SpecFacts facts, InventoryIndex index) {
    Map<String, String> down = new LinkedHashMap<>();
    for (String m : group.spec().members()) {
      String why = whyNotLive(facts.sensors().get(m), index);
      if (why != null) {
        down.put(m, why);
      }
    }
    return down;
  }

  /** Why the member cannot take a share now, or null when it is live. */
  private static String whyNotLive(Sensor sensor, InventoryIndex index) {
    if (sensor == null || sensor.spec().vm() == null) {
      return "not a sensor VM";
    }
    SensorVm vm = sensor.spec().vm();
    Guest guest = index.guest(vm.vmid());
    if (guest == null) {
      return "VM " + vm.vmid() + " is not in the inventory";
    }
    if (guest.nic(vm.nic()) == null) {
      return "VM " + vm.vmid() + " has no " + vm.nic();
    }
    InventoryNode node = index.node(guest.node());
    if (node == null) {
      return "VM " + vm.vmid() + " is on unknown node " + guest.node();
    }
    if (!node.online()) {
      return "VM " + vm.vmid() + " is on offline node " + node.name();
    }
    if (!guest.running()) {
      return "VM " + vm.vmid() + " is " + guest.status();
    }
    return null;
  }

  private static String describe(Map<String, String> down) {
    List<String> parts = new ArrayList<>();
    down.forEach((m, why) -> parts.add(m + ": " + why));
    return String.join("; ", parts);
  }

  /**
   * One line per group that an unpaused session feeds: which members share its flows (index/count,
   * VM and node) and which get none, and why (for {@code plan} and {@code /v1/plans}' notes).
   */
  static List<String> notes(List<MirrorSession> sessions, SpecFacts facts, InventoryIndex index) {
    Map<String, List<String>> sessionsByGroup = new java.util.TreeMap<>();
    for (MirrorSession s : sessions) {
      if (!s.spec().isPaused() && facts.groups().containsKey(s.spec().sensorRef())) {
        sessionsByGroup.computeIfAbsent(s.spec().sensorRef(), g -> new ArrayList<>()).add(s.name());
      }
    }
    List<String> notes = new ArrayList<>();
    sessionsByGroup.forEach(
        (name, feeding) -> {
          SensorGroup group = facts.groups().get(name);
          Map<String, String> down = notLive(group, facts, index);
          List<String> live = new ArrayList<>();
          for (String m : group.spec().members()) {
            if (!down.containsKey(m)) {
              live.add(m);
            }
          }
          List<String> shares = new ArrayList<>();
          for (int i = 0; i < live.size(); i++) {
            SensorVm vm = facts.sensors().get(live.get(i)).spec().vm();
            Guest g = index.guest(vm.vmid());
            shares.add(
                live.get(i)
                    + " (share "
                    + (i + 1)
                    + "/"
                    + live.size()
                    + ", VM "
                    + vm.vmid()
                    + " on "
                    + g.node()
                    + ")");
          }
          StringBuilder line =
              new StringBuilder("sensor group ")
                  .append(name)
                  .append(" (sessions ")
                  .append(String.join(", ", feeding))
                  .append("): ");
          if (live.isEmpty()) {
            line.append("no member is live, copies wait");
          } else {
            line.append(live.size())
                .append(" of ")
                .append(group.spec().members().size())
                .append(" members share the flows by symmetric hash: ")
                .append(String.join(", ", shares));
          }
          down.forEach(
              (m, why) ->
                  line.append("; ").append(m).append(" gets none (").append(why).append(')'));
          notes.add(line.toString());
        });
    return notes;
  }
}
