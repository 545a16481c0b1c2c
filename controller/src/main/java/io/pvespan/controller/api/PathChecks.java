package io.pvespan.controller.api;

import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.status.CanaryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Joins what source agents send and sensor agents count into "path verified N s ago" per session
 * and source node. Pure. The path from a node is verified only when every sensor device its copies
 * go to counted a fresh canary from it (each member of a sensor group: a dead member cannot hide
 * behind a live one), as the counting agent reports it (the sensor's node). A path is verified
 * when, at the last read of the status holding it, the newest canary from that node was at most
 * {@link #SLACK} intervals old (one interval plus half an interval of jitter, delivery and
 * reading), and it is not older than that plus {@link #READ_LAG} now (so a sensor agent that
 * stopped answering cannot keep a path verified). A path whose delivery breaks right after a canary
 * is "not verified" at most 1.5 intervals plus one status read later: within 2 intervals when the
 * controller reads status at least every half interval (its default 1 s; the agents' default
 * interval 10 s).
 */
final class PathChecks {
  static final double SLACK = 1.5;
  static final Duration READ_LAG = Duration.ofSeconds(2);

  private PathChecks() {}

  /** One row per node whose plan mirrors {@code session} from a running guest, by node name. */
  static List<PathView> of(
      ControllerSnapshot s, MirrorSession session, Map<String, AgentSnapshot> agents) {
    String name = session.name();
    Map<String, NodeMirrorPlan> sources = new TreeMap<>();
    for (NodeMirrorPlan plan : s.plans()) {
      for (MirrorEntry m : plan.mirrors()) {
        if (m.session().equals(name) && sourceRuns(s, plan.node(), m)) {
          sources.put(plan.node(), plan);
        }
      }
    }
    boolean collector =
        s.specs().sensors().stream()
            .filter(x -> x.name().equals(session.spec().sensorRef()))
            .map(Sensor::spec)
            .anyMatch(spec -> spec.remote() != null);
    List<PathView> out = new ArrayList<>();
    for (NodeMirrorPlan plan : sources.values()) {
      Sinks sinks = collector ? null : sinks(s, name, plan);
      out.add(path(s.now(), name, plan.node(), sinks, agents));
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

  /** Where a source node's copies are counted: a sensor device on a node. */
  private record Sink(String node, String device) implements Comparable<Sink> {
    @Override
    public int compareTo(Sink o) {
      int c = node.compareTo(o.node);
      return c != 0 ? c : device.compareTo(o.device);
    }

    @Override
    public String toString() {
      return device + " on " + node;
    }
  }

  /**
   * Every sensor device the source node's copies of the session must reach: the primary target of
   * each of its entries (one per member for a sensor group; standby targets are not fed). A local
   * target is counted on the source node; a tunnel where the plan delivers it ({@code from} = the
   * tunnel's device, the same name at both ends). {@code waiting}: a tunnel no plan delivers
   * actively (the sensor VM is stopped or roams, or its delivery is missing): that member cannot be
   * verified now.
   */
  private record Sinks(Set<Sink> expected, boolean waiting) {}

  private static Sinks sinks(ControllerSnapshot s, String session, NodeMirrorPlan source) {
    Set<Sink> expected = new TreeSet<>();
    boolean waiting = false;
    for (MirrorEntry m : source.mirrors()) {
      if (!m.session().equals(session)) {
        continue;
      }
      if (m.target() instanceof LocalTarget l) {
        expected.add(new Sink(source.node(), l.device().value()));
        continue;
      }
      InterfaceName tunnel = ((TunnelTarget) m.target()).device();
      boolean active = false;
      for (NodeMirrorPlan other : s.plans()) {
        if (other.node().equals(source.node())) {
          continue;
        }
        for (Delivery d : other.deliveries()) {
          if (d.session().equals(session) && d.from().equals(tunnel)) {
            if (d.state() == EntryState.ACTIVE) {
              active = true;
              expected.add(new Sink(other.node(), d.device().value()));
            }
          }
        }
      }
      // No active delivery: the sensor does not receive now (stopped, roaming) or the plan has
      // no delivery for it at all (its node lacks an address, its plan is missing): that
      // target cannot be verified, and never silently leaves the expected set. (External
      // collectors are known from the spec: {@link #of}.)
      waiting |= !active;
    }
    return new Sinks(expected, waiting);
  }

  private static PathView path(
      Instant now, String session, String node, Sinks sinks, Map<String, AgentSnapshot> agents) {
    if (sinks == null) {
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
    if (sinks.expected().isEmpty() && !sinks.waiting()) {
      return new PathView(node, false, false, null, null, "not checked: no sensor device to check");
    }
    Duration interval = Duration.ofMillis(sending.intervalMillis());
    Duration fresh = Duration.ofMillis((long) (interval.toMillis() * SLACK));
    // Per sensor device: the newest canary from this node, and whether it is fresh.
    Map<Sink, Instant> newestAt = new TreeMap<>();
    Set<Sink> freshAt = new TreeSet<>();
    Instant newestAnywhere = null;
    for (Map.Entry<String, AgentSnapshot> e : agents.entrySet()) {
      AgentSnapshot a = e.getValue();
      if (a.lastStatus() == null || a.lastStatus().canaries() == null) {
        continue;
      }
      Instant readAt = a.lastContact() == null ? now : a.lastContact();
      for (CanaryStatus.Received r : a.lastStatus().canaries().received()) {
        if (!r.session().equals(session) || !r.sourceNode().equals(node)) {
          continue;
        }
        if (newestAnywhere == null || r.sentAt().isAfter(newestAnywhere)) {
          newestAnywhere = r.sentAt();
        }
        Sink at = new Sink(e.getKey(), r.device());
        if (!sinks.expected().contains(at)) {
          continue;
        }
        newestAt.merge(at, r.sentAt(), (x, y) -> x.isAfter(y) ? x : y);
        if (!r.sentAt().plus(fresh).isBefore(readAt)
            && !r.sentAt().plus(fresh).plus(READ_LAG).isBefore(now)) {
          freshAt.add(at);
        }
      }
    }
    boolean verified =
        !sinks.waiting() && !sinks.expected().isEmpty() && freshAt.containsAll(sinks.expected());
    // The weakest link: the oldest of the sensor devices' newest canaries (each one arrived).
    Instant newest =
        newestAt.size() == sinks.expected().size() && !sinks.expected().isEmpty()
            ? newestAt.values().stream().min(Instant::compareTo).orElseThrow()
            : null;
    if (sinks.waiting()) {
      // A sensor not receiving now: the newest canary from this node that any sensor counted
      // says when the path last worked.
      newest = newest == null ? newestAnywhere : newest;
    }
    Double age = newest == null ? null : ageSeconds(newest, now);
    String message;
    if (verified) {
      message = "path verified " + Math.round(age) + " s ago";
    } else if (sinks.expected().size() > 1 && !sinks.waiting()) {
      List<String> missing = new ArrayList<>();
      for (Sink k : sinks.expected()) {
        if (freshAt.contains(k)) {
          continue;
        }
        Instant last = newestAt.get(k);
        missing.add(
            k
                + (last == null
                    ? ": no canary arrived"
                    : ": last canary arrived " + Math.round(ageSeconds(last, now)) + " s ago"));
      }
      message =
          "path not verified to "
              + missing.size()
              + " of "
              + sinks.expected().size()
              + " sensors ("
              + String.join("; ", missing)
              + ")";
    } else {
      message =
          newest == null
              ? "path not verified (no canary arrived)"
              : "path not verified (last canary arrived " + Math.round(age) + " s ago)";
    }
    if (!sending.authenticated()) {
      // The agents share no token: anyone on the sensor's path could send a canary that counts.
      message += " (unsigned canaries: no agent token, a guest could forge them)";
    }
    return new PathView(node, true, verified, newest, age, message);
  }

  private static double ageSeconds(Instant at, Instant now) {
    return Math.max(0, Duration.between(at, now).toMillis()) / 1000.0;
  }
}
