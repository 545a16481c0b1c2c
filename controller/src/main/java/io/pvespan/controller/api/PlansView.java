package io.pvespan.controller.api;

import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/plans}: the plans in force, the planner's warnings, and what keeps newer plans
 * out: spec problems ({@code file:line:col: message}) and planner errors. With errors present the
 * plans shown are the last good ones. {@code inventoryError}: why the last inventory poll failed
 * (null when it succeeded; the plans then follow the last inventory read at {@code lastPoll}).
 */
public record PlansView(
    List<NodeMirrorPlan> plans,
    List<String> warnings,
    List<String> specErrors,
    List<String> plannerErrors,
    String inventoryError,
    Instant lastPoll) {}
