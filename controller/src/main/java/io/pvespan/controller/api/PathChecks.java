package io.pvespan.controller.api;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.status.CanaryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Joins what source agents send and sensor agents count into "path verified N s ago" per session
 * and source node. Pure. A path is verified when, at the last read of the status holding it, the
 * newest canary from that node was at most {@link #SLACK} intervals old (one interval plus half an
 * interval of jitter, delivery and reading), and it is not older than that plus {@link #READ_LAG}
 * now (so a sensor agent that stopped answering cannot keep a path verified). A path whose delivery
 * breaks right after a canary is "not verified" at most 1.5 intervals plus one status read later:
 * within 2 intervals when the controller reads status at least every half interval (its default 1
 * s; the agents' default interval 10 s).
 */
final class PathChecks {
  static final double SLACK = 1.5;
  static final Duration READ_LAG = Duration.ofSeconds(2);

  private PathChecks() {}

  /** One row per node whose plan mirrors {@code session} from a running guest, by node name. */
  static List<PathView> of(
      ControllerSnapshot s, MirrorSession session, Map<String, AgentSnapshot> agents) {
    String name = session.name();
    Set<String> sources = new TreeSet<>();
    for (NodeMirrorPlan plan : s.plans()) {
      for (MirrorEntry m : plan.mirrors()) {
        if (m.session().equals(name) && sourceRuns(s, plan.node(), m)) {
          sources.add(plan.node());
        }
      }
    }
    boolean collector =
        s.specs().sensors().stream()
            .filter(x -> x.name().equals(session.spec().sensorRef()))
            .map(Sensor::spec)
            .anyMatch(spec -> spec.remote() != null);
    List<PathView> out = new ArrayList<>();
    for (String node : sources) {
      out.add(path(s.now(), name, node, collector, agents));
    }
    return out;
  }

  /**
   * The entry's guest runs on {@code node}: its copies have a path to check. An entry also waits
   * while the sensor VM is stopped; that path is checked (and not verified), a stopped source is
   * not. Without an inventory, the entry's own state decides.
   */
  private static boolean sourceRuns(ControllerSnapshot s, String node, MirrorEntry m) {
    if (s.inventory() == null) {
      return m.state() == EntryState.ACTIVE;
    }
    return s.inventory().guests().stream()
        .anyMatch(g -> g.vmid().equals(m.vmid()) && node.equals(g.node()) && g.running());
  }

  private static PathView path(
      Instant now,
      String session,
      String node,
      boolean collector,
      Map<String, AgentSnapshot> agents) {
    if (collector) {
      return new PathView(
          node, false, false, null, null, "not checked: the sensor is an external collector");
    }
    AgentSnapshot source = agents.get(node);
    CanaryStatus sending =
        source == null || source.lastStatus() == null ? null : source.lastStatus().canaries();
    if (sending == null || sending.intervalMillis() <= 0) {
      return new PathView(
          node,
          false,
          false,
          null,
          null,
          "not checked: the agent on " + node + " sends no canaries");
    }
    Duration interval = Duration.ofMillis(sending.intervalMillis());
    Duration fresh = Duration.ofMillis((long) (interval.toMillis() * SLACK));
    Instant newest = null;
    boolean verified = false;
    for (AgentSnapshot a : agents.values()) {
      if (a.lastStatus() == null || a.lastStatus().canaries() == null) {
        continue;
      }
      Instant readAt = a.lastContact() == null ? now : a.lastContact();
      for (CanaryStatus.Received r : a.lastStatus().canaries().received()) {
        if (!r.session().equals(session) || !r.sourceNode().equals(node)) {
          continue;
        }
        if (newest == null || r.sentAt().isAfter(newest)) {
          newest = r.sentAt();
        }
        if (!r.sentAt().plus(fresh).isBefore(readAt)
            && !r.sentAt().plus(fresh).plus(READ_LAG).isBefore(now)) {
          verified = true;
        }
      }
    }
    Double age =
        newest == null ? null : Math.max(0, Duration.between(newest, now).toMillis()) / 1000.0;
    String message =
        verified
            ? "path verified " + Math.round(age) + " s ago"
            : newest == null
                ? "path not verified (no canary arrived)"
                : "path not verified (last canary arrived " + Math.round(age) + " s ago)";
    if (!sending.authenticated()) {
      // The agents share no token: anyone on the sensor's path could send a canary that counts.
      message += " (unsigned canaries: no agent token, a guest could forge them)";
    }
    return new PathView(node, true, verified, newest, age, message);
  }
}
