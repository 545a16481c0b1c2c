package io.pvespan.agent.engine;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.GuestDevice;
import io.pvespan.status.KernelCapabilities;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's status bookkeeping, fed by the reconciler: which plan is accepted, what the last
 * converge found and did. Drift keeps the time an item (kind + object) was <em>first</em> seen
 * across converges and forgets it once a converge no longer reports it; a condition keeps its
 * {@code lastTransitionTime} while its status stays the same. Not thread-safe: the reconciler
 * serialises access.
 */
final class StatusBook {
  private final String node;
  private final KernelCapabilities capabilities;
  private final String unusable;
  private List<GuestDevice> guestDevices = List.of();
  private final Map<String, Condition> conditions = new LinkedHashMap<>();
  private Map<String, Instant> driftSince = Map.of();
  private List<DriftItem> drift = List.of();
  private List<EntryStatus> entries = List.of();
  private NodeMirrorPlan accepted;
  private PlanSource source;
  private String noPlanReason = "NoPlan";
  private String noPlanMessage = "no plan received yet";
  private String storeProblem;
  private NodeMirrorPlan applied;
  private ConvergeReport lastReport;
  private Instant observedAt;
  private AgentStats stats = AgentStats.ZERO;

  StatusBook(String node, KernelCapabilities capabilities, Instant now) {
    this(node, capabilities, null, now);
  }

  /** {@code unusable}: why nothing can be mirrored on this kernel (a failed probe), or null. */
  StatusBook(String node, KernelCapabilities capabilities, String unusable, Instant now) {
    this.node = node;
    this.capabilities = capabilities;
    this.unusable = unusable;
    refreshConditions(now);
  }

  void planAccepted(NodeMirrorPlan plan, PlanSource from, Instant now) {
    accepted = plan;
    source = from;
    if (from == PlanSource.PUSHED) {
      storeProblem = null; // it was written to the state directory before it was accepted
    }
    refreshConditions(now);
  }

  /** A pushed plan could not be written to the state directory and was refused. */
  void storeFailed(String message, Instant now) {
    storeProblem = message;
    refreshConditions(now);
  }

  /** Started without a usable stored plan: say why (CamelCase reason, one-line message). */
  void noPlan(String reason, String message, Instant now) {
    noPlanReason = reason;
    noPlanMessage = message;
    refreshConditions(now);
  }

  void converged(NodeMirrorPlan plan, ConvergeReport report, double seconds, Instant now) {
    Map<String, Instant> since = new HashMap<>();
    List<DriftItem> items = new ArrayList<>();
    for (DriftItem d : report.driftFound()) {
      String key = d.kind().json() + " " + d.object();
      Instant first = since.computeIfAbsent(key, k -> driftSince.getOrDefault(k, now));
      items.add(new DriftItem(d.kind(), d.object(), d.detail(), first));
    }
    items.sort(Comparator.comparing(DriftItem::object).thenComparing(DriftItem::kind));
    driftSince = since;
    drift = List.copyOf(items);
    entries = report.entries();
    if (report.guestDevices() != null) {
      guestDevices = report.guestDevices();
    }
    applied = plan;
    lastReport = report;
    observedAt = now;
    stats = stats.plus(seconds, report.failures().size()).withDrops(report.copyDrops());
    refreshConditions(now);
  }

  NodeMirrorStatus status() {
    return new NodeMirrorStatus(
        null,
        null,
        node,
        applied == null ? 0 : applied.generation(),
        applied == null ? null : applied.digest(),
        observedAt,
        entries,
        drift,
        capabilities,
        List.copyOf(conditions.values()),
        guestDevices);
  }

  AgentStats stats() {
    return stats;
  }

  private void refreshConditions(Instant now) {
    long generation = accepted == null ? 0 : accepted.generation();
    String[] planAccepted =
        accepted == null
            ? new String[] {"False", noPlanReason, noPlanMessage}
            : source == PlanSource.STORED
                ? new String[] {"True", "PlanLoadedFromDisk", "stored plan loaded at start"}
                : new String[] {"True", "PlanAccepted", "plan accepted from the controller"};
    String[] converged = convergedState();
    String[] entriesFailed = entriesFailed();
    String[] ready =
        unusable != null
            ? new String[] {"False", "KernelUnusable", unusable}
            : !"True".equals(planAccepted[0])
                ? new String[] {"False", planAccepted[1], planAccepted[2]}
                // An entry that failed says which mirror is missing and why (the kernel's
                // refusal of its command); Converged still carries the first failure line.
                : entriesFailed != null
                    ? entriesFailed
                    : !"True".equals(converged[0])
                        ? new String[] {"False", converged[1], converged[2]}
                        : new String[] {
                          "True", "AgentReady", "the kernel matches the accepted plan"
                        };
    set("Ready", ready, generation, now);
    set("PlanAccepted", planAccepted, generation, now);
    set("Converged", converged, generation, now);
    set(
        "PlanStored",
        storeProblem == null
            ? new String[] {"True", "StateWritable", "the last pushed plan was written to disk"}
            : new String[] {"False", "StateNotWritable", storeProblem},
        generation,
        now);
  }

  /** Ready=False when a planned entry failed (the kernel cannot hold it), else null. */
  private String[] entriesFailed() {
    List<EntryStatus> failed = entries.stream().filter(e -> "failed".equals(e.state())).toList();
    if (failed.isEmpty() || applied == null || !applied.equals(accepted)) {
      return null;
    }
    EntryStatus first = failed.get(0);
    String more = failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "";
    return new String[] {
      "False",
      "EntriesFailed",
      failed.size()
          + " planned entr"
          + (failed.size() == 1 ? "y" : "ies")
          + " failed, first "
          + first.session()
          + " on "
          + first.device()
          + ": "
          + first.message()
          + more
    };
  }

  private String[] convergedState() {
    if (accepted == null) {
      return new String[] {"Unknown", "NoPlan", "nothing to converge without a plan"};
    }
    if (applied == null || !applied.equals(accepted)) {
      return new String[] {
        "Unknown", "ConvergePending", "generation " + accepted.generation() + " not converged yet"
      };
    }
    List<String> failures = lastReport.failures();
    if (!failures.isEmpty()) {
      String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : "";
      return new String[] {"False", "KernelCommandFailed", failures.get(0) + more};
    }
    return new String[] {"True", "KernelMatchesPlan", lastReport.writes() + " kernel writes"};
  }

  private void set(String type, String[] state, long generation, Instant now) {
    Condition before = conditions.get(type);
    Instant transition =
        before != null && before.status().equals(state[0]) ? before.lastTransitionTime() : now;
    conditions.put(type, new Condition(type, state[0], state[1], state[2], transition, generation));
  }
}
