package io.pvespan.controller;

import io.pvespan.controller.pve.PveException;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.SpecSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the API and metrics show, copied at one moment: the specs and plans in force (the last
 * good ones when the newest specs are broken), the problems that keep newer ones out, the
 * inventory, and each agent.
 *
 * @param specs the last valid spec set, or null when none was ever valid
 * @param specErrors problems of the newest specs ({@code file:line:col: message}); non-empty means
 *     {@code specs} is older than the repository
 * @param plannerErrors the planner's errors for the newest inputs (the plans in force are older)
 * @param specsCommit the Git commit whose specs are in force ("synced to"); null for a directory
 * @param specsCommitRead the newest Git commit read; differs from {@code specsCommit} while that
 *     commit is refused ({@code specErrors} says why); null for a directory
 * @param pollFailuresByCause failed inventory polls by {@link PveException.Cause#label()}
 */
public record ControllerSnapshot(
    Instant now,
    SpecSet specs,
    List<String> specErrors,
    Inventory inventory,
    Instant lastPoll,
    String lastPollError,
    long polls,
    long pollFailures,
    List<NodeMirrorPlan> plans,
    List<String> warnings,
    List<String> plannerErrors,
    List<AgentSnapshot> agents,
    long reconciles,
    String specsCommit,
    String specsCommitRead,
    Map<String, Long> pollFailuresByCause) {

  public ControllerSnapshot {
    pollFailuresByCause = pollFailuresByCause == null ? Map.of() : Map.copyOf(pollFailuresByCause);
  }

  /** Without failures by cause. */
  public ControllerSnapshot(
      Instant now,
      SpecSet specs,
      List<String> specErrors,
      Inventory inventory,
      Instant lastPoll,
      String lastPollError,
      long polls,
      long pollFailures,
      List<NodeMirrorPlan> plans,
      List<String> warnings,
      List<String> plannerErrors,
      List<AgentSnapshot> agents,
      long reconciles,
      String specsCommit,
      String specsCommitRead) {
    this(
        now,
        specs,
        specErrors,
        inventory,
        lastPoll,
        lastPollError,
        polls,
        pollFailures,
        plans,
        warnings,
        plannerErrors,
        agents,
        reconciles,
        specsCommit,
        specsCommitRead,
        Map.of());
  }

  /** Without Git commits (specs from a directory). */
  public ControllerSnapshot(
      Instant now,
      SpecSet specs,
      List<String> specErrors,
      Inventory inventory,
      Instant lastPoll,
      String lastPollError,
      long polls,
      long pollFailures,
      List<NodeMirrorPlan> plans,
      List<String> warnings,
      List<String> plannerErrors,
      List<AgentSnapshot> agents,
      long reconciles) {
    this(
        now,
        specs,
        specErrors,
        inventory,
        lastPoll,
        lastPollError,
        polls,
        pollFailures,
        plans,
        warnings,
        plannerErrors,
        agents,
        reconciles,
        null,
        null);
  }
}
