package io.pvespan.controller.api;

import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/plans}: the plans in force, the planner's warnings, and what keeps newer plans
 * out: spec problems ({@code file:line:col: message}) and planner errors. With errors present the
 * plans shown are the last good ones. {@code inventoryError}: why the last inventory poll failed
 * (null when it succeeded; the plans then follow the last inventory read at {@code lastPoll}).
 * {@code specsCommit}: with specs from Git ({@code specs.git}), the commit whose specs are in force
 * ("synced to"); {@code specsCommitRead}: the newest commit read, which differs while it is refused
 * ({@code specErrors} says why). Both null for specs from a directory.
 */
public record PlansView(
    List<NodeMirrorPlan> plans,
    List<String> warnings,
    List<String> specErrors,
    List<String> plannerErrors,
    String inventoryError,
    Instant lastPoll,
    String specsCommit,
    String specsCommitRead) {}
