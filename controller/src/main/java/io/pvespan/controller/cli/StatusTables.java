package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders the controller API's answers as the tables of {@code ./pvespan status}. */
final class StatusTables {
  private StatusTables() {}

  static void print(JsonNode sessions, JsonNode nodes, JsonNode plans, PrintWriter out) {
    out.println("SESSIONS");
    if (sessions.isEmpty()) {
      out.println("  (none)");
    } else {
      TextTable t = new TextTable("NAME", "SENSOR", "SOURCES", "DEVICES", "BYTES", "STATE");
      for (JsonNode s : sessions) {
        int devices = 0;
        for (JsonNode perNode : s.path("devices")) {
          devices += perNode.size();
        }
        t.row(
            s.path("name").asText(),
            s.path("sensor").asText(),
            s.path("selectedGuests").size(),
            devices,
            s.path("bytes").asLong(),
            state(s.path("conditions")));
      }
      t.print(out);
    }
    paths(sessions, out);
    out.println();
    out.println("NODES");
    if (nodes.isEmpty()) {
      out.println("  (none)");
    } else {
      TextTable t =
          new TextTable(
              "NODE", "AGENT", "REACHABLE", "READY", "APPLIED", "DESIRED", "DRIFT", "LAST ERROR");
      for (JsonNode n : nodes) {
        t.row(
            n.path("node").asText(),
            n.path("agentUrl").asText("-"),
            n.path("reachable").isNull()
                ? "unknown"
                : n.path("reachable").asBoolean() ? "yes" : "NO",
            ready(n.path("ready")),
            n.path("appliedGeneration").asLong()
                + (n.path("inSync").asBoolean() ? "" : " (behind)"),
            n.path("desiredGeneration").asLong(),
            n.path("drift").size(),
            n.path("lastError").isNull() ? "-" : n.path("lastError").asText());
      }
      t.print(out);
    }
    List<String> problems = new ArrayList<>();
    for (JsonNode n : nodes) {
      JsonNode r = n.path("ready");
      // Unreachable and behind show in their own columns already.
      String reason = r.path("reason").asText();
      if ("False".equals(r.path("status").asText())
          && !reason.equals("AgentUnreachable")
          && !reason.equals("PlanNotApplied")) {
        problems.add(
            "error: node "
                + n.path("node").asText()
                + ": not ready: "
                + reason
                + (r.path("message").asText("").isEmpty()
                    ? ""
                    : ": " + r.path("message").asText()));
      }
    }
    plans.path("specErrors").forEach(e -> problems.add("error: spec: " + e.asText()));
    plans.path("plannerErrors").forEach(e -> problems.add("error: planner: " + e.asText()));
    if (plans.hasNonNull("inventoryError")) {
      problems.add("error: inventory: " + plans.get("inventoryError").asText());
    }
    plans.path("warnings").forEach(e -> problems.add("warning: " + e.asText()));
    out.println();
    String synced = gitSync(plans);
    if (synced != null) {
      out.println(synced);
    }
    if (problems.isEmpty()) {
      out.println("no errors or warnings");
    } else {
      out.println("ERRORS AND WARNINGS");
      problems.forEach(p -> out.println("  " + p));
      if (!plans.path("specErrors").isEmpty()
          || !plans.path("plannerErrors").isEmpty()
          || plans.hasNonNull("inventoryError")) {
        out.println("  (the last good plans stay in force until this is fixed)");
      }
    }
  }

  /**
   * With specs from Git: "specs: synced to abc1234", and the newest commit when it is refused; null
   * for specs from a directory.
   */
  static String gitSync(JsonNode plans) {
    String applied = plans.path("specsCommit").asText(null);
    String read = plans.path("specsCommitRead").asText(null);
    if (applied == null && read == null) {
      return null;
    }
    String line =
        applied == null ? "specs: no valid commit yet" : "specs: synced to " + abbrev(applied);
    if (read != null && !read.equals(applied)) {
      line += " (commit " + abbrev(read) + " refused: see the errors)";
    }
    return line;
  }

  private static String abbrev(String commit) {
    return commit.length() > 7 ? commit.substring(0, 7) : commit;
  }

  /** A node's Ready condition: "yes", "NO: Reason", or "unknown: Reason". */
  static String ready(JsonNode ready) {
    if (ready.isMissingNode() || ready.isNull()) {
      return "unknown";
    }
    String status = ready.path("status").asText();
    String reason = ready.path("reason").asText();
    return switch (status) {
      case "True" -> "yes";
      case "False" -> "NO: " + reason;
      default -> "unknown: " + reason;
    };
  }

  /** "Ready", or why not; with ", Degraded: Reason" when degraded. */
  static String state(JsonNode conditions) {
    String ready = "Unknown";
    String degraded = null;
    for (JsonNode c : conditions) {
      boolean isTrue = "True".equals(c.path("status").asText());
      if (c.path("type").asText().equals("Ready")) {
        ready = isTrue ? "Ready" : "NotReady: " + c.path("reason").asText();
      } else if (c.path("type").asText().equals("Degraded") && isTrue) {
        degraded = c.path("reason").asText();
      }
    }
    return degraded == null ? ready : ready + ", Degraded: " + degraded;
  }

  /**
   * Proof of coverage per session and source node (docs/canaries.md); printed only when the
   * controller reports paths (agents that send canaries).
   */
  private static void paths(JsonNode sessions, PrintWriter out) {
    TextTable t = new TextTable("SESSION", "SOURCE NODE", "PATH");
    boolean any = false;
    for (JsonNode s : sessions) {
      for (JsonNode p : s.path("paths")) {
        any = true;
        t.row(s.path("name").asText(), p.path("node").asText(), p.path("message").asText());
      }
    }
    if (any) {
      out.println();
      out.println("PATHS (canaries)");
      t.print(out);
    }
  }
}
