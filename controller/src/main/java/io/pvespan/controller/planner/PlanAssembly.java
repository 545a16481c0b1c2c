package io.pvespan.controller.planner;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Node plans from session outcomes: a node's plan is what every session contributes to it, added in
 * session order (which decides who keeps a clashing tunnel name), each entry as {@link
 * OncePerSensor} wants it (exclusions, fewer sides, or none), with its generation from the previous
 * plans ({@link Generations}). Also the whole result's warnings and errors: the union of the
 * sessions' and the nodes' own, each once, sorted.
 */
final class PlanAssembly {
  private PlanAssembly() {}

  /** One node's plan and the errors found while assembling it (tunnel clashes). */
  record Assembled(NodeMirrorPlan plan, List<String> errors) {}

  /**
   * Assembles {@code node}.
   *
   * @param sessions the specs' sessions, sorted by name
   * @param outcomes by position in {@code sessions}; null for a paused session
   */
  static Assembled node(
      String node,
      List<MirrorSession> sessions,
      List<SessionOutcome> outcomes,
      Map<String, NodeMirrorPlan> previous,
      OncePerSensor once) {
    NodePlanBuilder builder = new NodePlanBuilder(node);
    PlanProblems problems = new PlanProblems();
    for (int i = 0; i < outcomes.size(); i++) {
      SessionOutcome outcome = outcomes.get(i);
      NodePart part = outcome == null ? null : outcome.parts().get(node);
      if (part != null) {
        String session = sessions.get(i).name();
        List<io.pvespan.plan.MirrorEntry> mirrors = new ArrayList<>(part.mirrors().size());
        for (io.pvespan.plan.MirrorEntry e : part.mirrors()) {
          io.pvespan.plan.MirrorEntry kept = once.apply(session, e);
          if (kept != null) {
            mirrors.add(kept);
          }
        }
        builder.add(new NodePart(mirrors, part.tunnels(), part.deliveries()), session, problems);
      }
    }
    return new Assembled(builder.build(previous), problems.errors());
  }

  /** Every line once, sorted: the sessions' lines (picked by {@code which}) and the extra ones. */
  static List<String> lines(
      List<SessionOutcome> outcomes,
      java.util.function.Function<SessionOutcome, List<String>> which,
      Iterable<List<String>> extra) {
    List<String> all = new ArrayList<>();
    for (SessionOutcome outcome : outcomes) {
      if (outcome != null) {
        all.addAll(which.apply(outcome));
      }
    }
    for (List<String> lines : extra) {
      all.addAll(lines);
    }
    all.sort(null);
    List<String> distinct = new ArrayList<>(all.size());
    for (String line : all) {
      if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(line)) {
        distinct.add(line);
      }
    }
    return distinct;
  }
}
