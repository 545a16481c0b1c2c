package io.pvespan.controller;

import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.state.ControllerState;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The API's {@link ControllerSnapshot} of one immutable state; pure. */
final class Snapshots {
  private Snapshots() {}

  static ControllerSnapshot of(ControllerState s, Instant now) {
    List<AgentSnapshot> agents =
        s.nodes().values().stream().map(o -> agent(o, s.desired().plan(o.node()))).toList();
    var inv = s.inventory();
    return new ControllerSnapshot(
        now,
        s.specs().specs(),
        s.specs().errors(),
        inv.inventory(),
        inv.lastPoll(),
        inv.lastPollError(),
        inv.polls(),
        inv.pollFailures(),
        List.copyOf(s.desired().plans().values()),
        s.desired().warnings(),
        s.desired().plannerErrors(),
        agents,
        s.desired().reconciles(),
        s.specs().appliedCommit(),
        s.specs().commit(),
        byLabel(inv.failuresByCause()));
  }

  private static Map<String, Long> byLabel(Map<PveException.Cause, Long> byCause) {
    Map<String, Long> out = new TreeMap<>();
    byCause.forEach((c, n) -> out.put(c.label(), n));
    return out;
  }

  private static AgentSnapshot agent(NodeObservation o, NodeMirrorPlan desired) {
    return new AgentSnapshot(
        o.node(),
        o.url() == null ? null : o.url().toString(),
        o.reachable(),
        o.lastContact(),
        o.appliedGeneration(),
        o.appliedDigest(),
        desired == null ? 0 : desired.generation(),
        desired == null ? null : desired.digest(),
        o.lastStatus(),
        o.urlProblem() != null ? o.urlProblem() : o.lastError(),
        o.pushes(),
        o.pushFailures(),
        o.pushInFlight(),
        o.retryAt());
  }
}
