package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.spec.MirrorSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mirror loops visible in the specs alone: a session whose {@code sources.vmids} names a sensor
 * guest in a way that sends the sensor's received copies back to that sensor, directly (the session
 * feeds the sensor it selects) or through other sessions (sensor A's guest feeds sensor B, whose
 * guest feeds A). Copies arrive on the sensor's NIC, so a loop needs that NIC selected: a session
 * with {@code nics} that leave it out does not loop. Selection by tags or pools needs the
 * inventory; the planner checks those.
 */
final class MirrorLoops {
  private MirrorLoops() {}

  /** One "guest vmid's NICs (null = all) are mirrored into sensor guest target's NIC" edge. */
  private record Edge(
      long vmid,
      Set<String> nics,
      long target,
      String targetNic,
      String sensor,
      YamlDocument document,
      String path) {
    boolean selects(long guest, String nic) {
      return vmid == guest && (nics == null || nics.contains(nic));
    }
  }

  static List<SpecProblem> find(
      List<YamlDocument> documents,
      Map<String, YamlDocument> sensors,
      Map<String, YamlDocument> groups) {
    List<Edge> edges = edges(documents, sensors, groups);
    Map<Long, List<Edge>> bySource = new HashMap<>();
    edges.forEach(e -> bySource.computeIfAbsent(e.vmid, v -> new ArrayList<>()).add(e));
    List<SpecProblem> problems = new ArrayList<>();
    for (Edge e : edges) {
      if (e.selects(e.target, e.targetNic)) {
        problems.add(
            e.document.problem(
                e.path,
                "guest "
                    + e.vmid
                    + " is the sensor '"
                    + e.sensor
                    + "' this session feeds: a mirror loop"));
      } else if (reachesBack(e, bySource)) {
        problems.add(
            e.document.problem(
                e.path,
                "guest "
                    + e.vmid
                    + " is mirrored to sensor '"
                    + e.sensor
                    + "' (guest "
                    + e.target
                    + "), whose copies are mirrored back to "
                    + e.vmid
                    + ": a mirror loop"));
      }
    }
    return problems;
  }

  /** Copies arriving at e's target NIC flow, session by session, back into a NIC e selects. */
  private static boolean reachesBack(Edge start, Map<Long, List<Edge>> bySource) {
    Deque<Edge> queue = new ArrayDeque<>(List.of(start));
    // By identity: an edge's record equality would hash its whole document.
    Set<Edge> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(start);
    while (!queue.isEmpty()) {
      Edge at = queue.poll();
      for (Edge next : bySource.getOrDefault(at.target, List.of())) {
        if (next.selects(at.target, at.targetNic) && seen.add(next)) {
          if (start.selects(next.target, next.targetNic)) {
            return true;
          }
          queue.add(next);
        }
      }
    }
    return false;
  }

  private static List<Edge> edges(
      List<YamlDocument> documents,
      Map<String, YamlDocument> sensors,
      Map<String, YamlDocument> groups) {
    List<Edge> edges = new ArrayList<>();
    for (YamlDocument d : documents) {
      if (!MirrorSession.KIND.equals(d.text("kind"))) {
        continue;
      }
      String ref = d.text("spec", "sensorRef");
      // A session feeding a group feeds each member: a loop through any of them is a loop.
      java.util.Set<String> targets = new java.util.LinkedHashSet<>();
      YamlDocument group = ref == null ? null : groups.get(ref);
      if (group != null) {
        group.root().path("spec").path("members").forEach(m -> targets.add(m.asText()));
      } else if (ref != null) {
        targets.add(ref);
      }
      for (String name : targets) {
        YamlDocument sensor = sensors.get(name);
        JsonNode vm = sensor == null ? null : sensor.root().path("spec").path("vm");
        if (vm == null || !vm.path("vmid").isIntegralNumber() || !vm.path("nic").isTextual()) {
          continue;
        }
        JsonNode sources = d.root().path("spec").path("sources");
        Set<String> nics = texts(sources.get("nics"));
        Set<Long> excluded = excludedVmids(sources.get("exclude"));
        List<Long> vmids = SemanticCheck.integers(sources.get("vmids"));
        for (int i = 0; i < vmids.size(); i++) {
          Long vmid = vmids.get(i);
          if (vmid != null && !excluded.contains(vmid)) {
            edges.add(
                new Edge(
                    vmid,
                    nics,
                    vm.get("vmid").asLong(),
                    vm.get("nic").asText(),
                    name,
                    d,
                    "spec.sources.vmids[" + i + "]"));
          }
        }
      }
    }
    return edges;
  }

  /** vmids an exclude removes for sure: only when it has no other field narrowing it (AND). */
  private static Set<Long> excludedVmids(JsonNode exclude) {
    if (exclude == null || !exclude.isObject() || exclude.size() != 1) {
      return Set.of();
    }
    Set<Long> out = new HashSet<>(SemanticCheck.integers(exclude.get("vmids")));
    out.remove(null);
    return out;
  }

  private static Set<String> texts(JsonNode array) {
    if (array == null || !array.isArray()) {
      return null;
    }
    Set<String> out = new HashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
