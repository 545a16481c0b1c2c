package io.pvespan.controller.reconcile;

import io.pvespan.controller.state.Generations;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;

/**
 * The pure heart of a node's reconcile: the desired plan against what the agent was seen to hold.
 */
public final class Decide {
  private static final Decision IN_SYNC = new Decision.InSync();

  private Decide() {}

  /**
   * In order:
   *
   * <ol>
   *   <li>nothing desired, or the agent holds the desired content: {@link Decision.InSync}, or
   *       {@link Decision.Adopt} when it holds that content under a higher, believable generation
   *       (the controller restarted and planned from 1 again);
   *   <li>backing off after failures: {@link Decision.Wait} until {@code seen.retryAt()};
   *   <li>the agent claims (in its status or a 409) a generation too far above {@code floor} to
   *       believe ({@link Generations#believable}): {@link Decision.Refuse}, never adopted;
   *   <li>else {@link Decision.Push}: the desired plan as it is when its generation is above the
   *       agent's claim and not below the floor (an agent that lost its plan gets the same
   *       generation again), else renumbered to one above both; {@link Decision.Refuse} when no
   *       generation is left above them.
   * </ol>
   */
  public static Decision decide(
      NodeMirrorPlan desired, NodeObservation seen, long floor, Instant now) {
    if (desired == null) {
      return IN_SYNC;
    }
    if (desired.digest().equals(seen.appliedDigest())) {
      long held = seen.appliedGeneration();
      return held > desired.generation() && Generations.believable(floor, held)
          ? new Decision.Adopt(held)
          : IN_SYNC;
    }
    if (seen.retryAt() != null && now.isBefore(seen.retryAt())) {
      return new Decision.Wait(seen.retryAt());
    }
    long claimed = Math.max(seen.appliedGeneration(), orZero(seen.refusedBy()));
    if (!Generations.believable(floor, claimed)) {
      return new Decision.Refuse(
          "the agent claims generation "
              + claimed
              + ", more than "
              + Generations.MAX_ADOPT_STEP
              + " above the controller's "
              + floor
              + "; not adopted (reset the agent's state directory)");
    }
    if (desired.generation() > claimed && desired.generation() >= floor) {
      return new Decision.Push(desired);
    }
    long base = Math.max(floor, claimed);
    if (base == Long.MAX_VALUE) {
      return new Decision.Refuse("no generation is left above " + base);
    }
    return new Decision.Push(desired.withGeneration(Math.addExact(base, 1)));
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
