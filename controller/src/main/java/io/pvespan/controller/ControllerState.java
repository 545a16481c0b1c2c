package io.pvespan.controller;

import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.inventory.Guest;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.SpecSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The controller's mutable state. Every read and write holds this object's monitor; the API reads
 * it only through {@link #snapshot()}. Updates are small and never do I/O under the lock.
 */
final class ControllerState {
  private final Clock clock;

  SpecSet specs;
  String specFingerprint;
  List<String> specErrors = List.of();

  InventorySnapshot inventory;
  Instant lastPoll;
  String lastPollError;
  long polls;
  long pollFailures;

  /** Single guest configs read between polls because an agent reported an unexpected device. */
  long configRefreshes;

  /**
   * The guests the last valid specs need NICs for ({@code GuestInterest}); null before specs
   * loaded.
   */
  Predicate<Guest> interest;

  /** The plans in force by node: the last ones the planner produced without error. */
  final Map<String, NodeMirrorPlan> plans = new TreeMap<>();

  List<String> warnings = List.of();
  List<String> plannerErrors = List.of();
  final Map<String, NodeAgentState> agents = new TreeMap<>();
  long reconciles;

  ControllerState(Clock clock) {
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  synchronized NodeAgentState agent(String node) {
    return agents.computeIfAbsent(node, NodeAgentState::new);
  }

  synchronized ControllerSnapshot snapshot() {
    List<AgentSnapshot> agentViews = new ArrayList<>();
    for (NodeAgentState a : agents.values()) {
      NodeMirrorPlan p = plans.get(a.node);
      agentViews.add(a.snapshot(p == null ? 0 : p.generation(), p == null ? null : p.digest()));
    }
    return new ControllerSnapshot(
        now(),
        specs,
        specErrors,
        inventory == null ? null : inventory.inventory(),
        lastPoll,
        lastPollError,
        polls,
        pollFailures,
        List.copyOf(plans.values()),
        warnings,
        plannerErrors,
        agentViews,
        reconciles);
  }
}
