package io.pvespan.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.agent.engine.PlanSource;
import io.pvespan.agent.engine.PlanValidator;
import io.pvespan.agent.engine.Underlay;
import io.pvespan.agent.state.JsonProblem;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Admits a pushed plan: parse strictly, validate fully, compare generations with the current plan,
 * persist, and only then hand it to the reconciler. Nothing reaches the kernel before every check
 * passed and the plan is on disk. Offers are serialised so generations cannot race.
 */
public final class PlanIntake {
  // A key given twice would otherwise mean its last value: two readers of the same body (an
  // auditing proxy and this agent) could then disagree on what the plan says.
  private static final ObjectReader READER =
      PlanJson.MAPPER
          .readerFor(NodeMirrorPlan.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /**
   * How far one plan may move the generation forward. The controller adds 1 per change; a jump of
   * more pins the node (no later plan could be newer) and is refused.
   */
  public static final long MAX_GENERATION_STEP = 1L << 32;

  /** The largest generation accepted at all: room for every later step, exact in JSON numbers. */
  public static final long MAX_GENERATION = 1L << 53;

  private final String node;
  private final Underlay underlay;
  private final PlanStore store;
  private final AgentReconciler reconciler;

  public PlanIntake(String node, Underlay underlay, PlanStore store, AgentReconciler reconciler) {
    this.node = node;
    this.underlay = underlay;
    this.store = store;
    this.reconciler = reconciler;
  }

  /** What happened to an offered plan; each maps to one HTTP answer. */
  public sealed interface Outcome {
    /** Persisted and queued for converging (202). */
    record Accepted(long generation, String digest) implements Outcome {}

    /** The same generation and digest as the current plan: nothing to do (200). */
    record Unchanged(long generation, String digest) implements Outcome {}

    /** Older than the current plan, or the same generation with other content (409). */
    record Stale(long appliedGeneration, long offeredGeneration, String message)
        implements Outcome {}

    /** Not a valid plan for this agent (400); {@code details} one line each. */
    record Invalid(String error, List<String> details) implements Outcome {}

    /** Valid, but could not be persisted (500); the current plan stays. */
    record StoreFailed(String message) implements Outcome {}
  }

  public synchronized Outcome offer(byte[] body) {
    if (body.length == 0) {
      return new Outcome.Invalid("empty body", List.of("PUT a NodeMirrorPlan as JSON"));
    }
    NodeMirrorPlan plan;
    try {
      plan = READER.readValue(body);
    } catch (JsonProcessingException e) {
      return new Outcome.Invalid("malformed plan", List.of(JsonProblem.describe(e)));
    } catch (IOException | RuntimeException e) {
      return new Outcome.Invalid("malformed plan", List.of(String.valueOf(e.getMessage())));
    }
    if (plan == null) {
      return new Outcome.Invalid("malformed plan", List.of("the body is JSON null"));
    }
    List<String> problems = PlanValidator.problems(plan, node, underlay);
    if (!problems.isEmpty()) {
      return new Outcome.Invalid("invalid plan", problems);
    }
    if (plan.generation() > MAX_GENERATION) {
      return new Outcome.Invalid(
          "invalid plan",
          List.of(
              "generation "
                  + plan.generation()
                  + " is above "
                  + MAX_GENERATION
                  + ": no later plan could ever replace it"));
    }
    Optional<NodeMirrorPlan> current = reconciler.plan();
    if (current.isPresent()
        && plan.generation() - current.get().generation() > MAX_GENERATION_STEP) {
      return new Outcome.Invalid(
          "invalid plan",
          List.of(
              "generation "
                  + plan.generation()
                  + " jumps more than "
                  + MAX_GENERATION_STEP
                  + " past the applied "
                  + current.get().generation()));
    }
    if (current.isPresent()) {
      NodeMirrorPlan now = current.get();
      if (plan.generation() < now.generation()) {
        return new Outcome.Stale(
            now.generation(),
            plan.generation(),
            "generation " + plan.generation() + " is older than the applied " + now.generation());
      }
      if (plan.generation() == now.generation()) {
        return plan.digest().equals(now.digest())
            ? new Outcome.Unchanged(now.generation(), now.digest())
            : new Outcome.Stale(
                now.generation(),
                plan.generation(),
                "generation " + plan.generation() + " was already applied with another digest");
      }
    }
    try {
      store.save(plan);
    } catch (IOException e) {
      String why =
          "cannot write generation "
              + plan.generation()
              + " to "
              + store.file().getParent()
              + ": "
              + e;
      reconciler.storeFailed(why);
      return new Outcome.StoreFailed(why);
    }
    reconciler.accept(plan, PlanSource.PUSHED);
    return new Outcome.Accepted(plan.generation(), plan.digest());
  }
}
