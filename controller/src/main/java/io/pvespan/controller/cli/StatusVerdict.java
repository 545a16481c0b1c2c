package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether everything {@code ./pvespan status} shows is ready, from the three API answers; pure. Not
 * ready: a session whose Ready is not True (except one paused or selecting nothing, which are so on
 * purpose) or whose Degraded is True; a node whose Ready is not True; spec, planner or inventory
 * errors. The same things the alert rules watch.
 */
final class StatusVerdict {
  /** {@code ./pvespan status}'s exit code when anything is not ready. */
  static final int NOT_READY = 3;

  private StatusVerdict() {}

  /** One short phrase per thing that is not ready; empty when everything is. */
  static List<String> notReady(JsonNode sessions, JsonNode nodes, JsonNode plans) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : sessions) {
      String name = s.path("name").asText();
      JsonNode ready = condition(s.path("conditions"), "Ready");
      String reason = ready.path("reason").asText();
      if (!"True".equals(ready.path("status").asText())
          && !reason.equals("Paused")
          && !reason.equals("NoSourcesSelected")) {
        out.add("session " + name + " (" + (reason.isEmpty() ? "NotReady" : reason) + ")");
      }
      JsonNode degraded = condition(s.path("conditions"), "Degraded");
      if ("True".equals(degraded.path("status").asText())) {
        out.add("session " + name + " (Degraded: " + degraded.path("reason").asText() + ")");
      }
    }
    for (JsonNode n : nodes) {
      JsonNode ready = n.path("ready");
      if (!"True".equals(ready.path("status").asText())) {
        out.add("node " + n.path("node").asText() + " (" + ready.path("reason").asText() + ")");
      }
    }
    count(out, plans.path("specErrors"), "spec error");
    count(out, plans.path("plannerErrors"), "planner error");
    if (!plans.path("inventoryError").isMissingNode() && !plans.path("inventoryError").isNull()) {
      out.add("inventory (" + plans.path("inventoryError").asText() + ")");
    }
    return out;
  }

  private static void count(List<String> out, JsonNode list, String what) {
    if (list.isArray() && !list.isEmpty()) {
      out.add(list.size() + " " + what + (list.size() == 1 ? "" : "s"));
    }
  }

  private static JsonNode condition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
