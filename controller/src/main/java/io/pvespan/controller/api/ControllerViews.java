package io.pvespan.controller.api;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.spec.MirrorSession;
import io.pvespan.status.Condition;
import io.pvespan.status.EntryStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds the API's views from one {@link ControllerSnapshot}; pure. */
public final class ControllerViews {
  private ControllerViews() {}

  public static PlansView plans(ControllerSnapshot s) {
    return new PlansView(
        s.plans(),
        s.warnings(),
        s.specErrors(),
        s.plannerErrors(),
        s.lastPollError(),
        s.lastPoll(),
        s.specsCommit(),
        s.specsCommitRead());
  }

  /**
   * {@code GET /v1/inventory}: the inventory the plans in force were made from (node overrides
   * applied), in the inventory file's shape; null before the first successful poll. {@code
   * ./pvespan plan --diff} plans a change against it.
   */
  public static InventoryView inventory(ControllerSnapshot s) {
    if (s.inventory() == null) {
      return new InventoryView(s.lastPoll(), null);
    }
    try {
      return new InventoryView(
          s.lastPoll(), PlanJson.MAPPER.readTree(InventoryJson.write(s.inventory())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("inventory does not serialise", e);
    }
  }

  public static List<NodeView> nodes(ControllerSnapshot s) {
    return s.agents().stream().map(ControllerViews::node).toList();
  }

  private static NodeView node(AgentSnapshot a) {
    var st = a.lastStatus();
    return new NodeView(
        a.node(),
        a.url(),
        a.reachable(),
        a.lastContact(),
        a.appliedGeneration(),
        a.appliedDigest(),
        a.desiredGeneration(),
        a.desiredDigest(),
        a.inSync(),
        NodeReadiness.of(a),
        st == null ? List.of() : st.drift(),
        st == null ? List.of() : st.conditions(),
        a.lastError(),
        a.pushes(),
        a.pushFailures(),
        a.nextAttempt());
  }

  public static List<SessionView> sessions(ControllerSnapshot s) {
    if (s.specs() == null) {
      return List.of();
    }
    Map<String, AgentSnapshot> agents = new TreeMap<>();
    s.agents().forEach(a -> agents.put(a.node(), a));
    List<SessionView> out = new ArrayList<>();
    for (MirrorSession session : s.specs().sessions()) {
      out.add(session(s, session, agents));
    }
    return out;
  }

  private static SessionView session(
      ControllerSnapshot s, MirrorSession session, Map<String, AgentSnapshot> agents) {
    String name = session.name();
    Set<Integer> guests = new TreeSet<>();
    Map<String, List<String>> devices = new TreeMap<>();
    Set<String> involved = new TreeSet<>();
    for (NodeMirrorPlan plan : s.plans()) {
      for (MirrorEntry m : plan.mirrors()) {
        if (m.session().equals(name)) {
          guests.add(m.vmid().value());
          devices.computeIfAbsent(plan.node(), n -> new ArrayList<>()).add(m.device().value());
          involved.add(plan.node());
        }
      }
      for (Delivery d : plan.deliveries()) {
        if (d.session().equals(name)) {
          involved.add(plan.node());
        }
      }
    }
    devices.replaceAll((n, l) -> l.stream().distinct().sorted().toList());
    long packets = 0;
    long bytes = 0;
    List<String> notApplied = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> notReady = new ArrayList<>();
    for (String node : involved) {
      AgentSnapshot a = agents.get(node);
      if (a == null) {
        continue;
      }
      Condition nodeReady = NodeReadiness.of(a);
      if ("False".equals(nodeReady.status())
          && !nodeReady.reason().equals("AgentUnreachable")
          && !nodeReady.reason().equals("PlanNotApplied")) {
        notReady.add(node + ": " + nodeReady.reason());
      }
      if (!a.inSync()) {
        notApplied.add(node);
      }
      if (Boolean.FALSE.equals(a.reachable())) {
        unreachable.add(node);
      }
      if (a.lastStatus() != null) {
        for (EntryStatus e : a.lastStatus().entries()) {
          if (name.equals(e.session())) {
            // Only the source side counts: deliveries would count the same copies twice.
            if (devices.getOrDefault(node, List.of()).contains(e.device().value())) {
              packets += e.packets();
              bytes += e.bytes();
            }
            if ("failed".equals(e.state())) {
              failed.add(node + "/" + e.device() + (e.message() == null ? "" : ": " + e.message()));
            }
          }
        }
      }
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(ready(session, involved, notApplied));
    conditions.add(degraded(s, unreachable, notReady, failed));
    return new SessionView(
        name,
        session.spec().sensorRef(),
        session.spec().isPaused(),
        List.copyOf(guests),
        devices,
        packets,
        bytes,
        conditions,
        PathChecks.of(s, session, agents));
  }

  private static Condition ready(
      MirrorSession session, Set<String> involved, List<String> notApplied) {
    if (session.spec().isPaused()) {
      return condition("Ready", false, "Paused", "spec.paused is true: nothing is mirrored");
    }
    if (involved.isEmpty()) {
      return condition("Ready", false, "NoSourcesSelected", "the selector matches no guest NIC");
    }
    if (!notApplied.isEmpty()) {
      return condition(
          "Ready", false, "PlanNotApplied", "not yet applied on " + String.join(", ", notApplied));
    }
    return condition("Ready", true, "Applied", "applied on " + String.join(", ", involved));
  }

  private static Condition degraded(
      ControllerSnapshot s, List<String> unreachable, List<String> notReady, List<String> failed) {
    List<String> reasons = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    if (!unreachable.isEmpty()) {
      reasons.add("AgentUnreachable");
      messages.add("agent unreachable on " + String.join(", ", unreachable));
    }
    if (!notReady.isEmpty()) {
      reasons.add("AgentNotReady");
      messages.add("agent not ready on " + String.join(", ", notReady));
    }
    if (!failed.isEmpty()) {
      reasons.add("EntriesFailed");
      messages.add("failed: " + String.join("; ", failed));
    }
    if (!s.specErrors().isEmpty()) {
      reasons.add("SpecsInvalid");
      messages.add(s.specErrors().size() + " spec problem(s); the last valid specs stay in force");
    }
    if (!s.plannerErrors().isEmpty()) {
      reasons.add("PlanRejected");
      messages.add(s.plannerErrors().size() + " planner error(s); the plans in force stay");
    }
    if (reasons.isEmpty()) {
      return condition("Degraded", false, "AsExpected", "");
    }
    return condition("Degraded", true, reasons.get(0), String.join("; ", messages));
  }

  private static Condition condition(String type, boolean status, String reason, String message) {
    return new Condition(type, status ? "True" : "False", reason, message, null, 0);
  }
}
