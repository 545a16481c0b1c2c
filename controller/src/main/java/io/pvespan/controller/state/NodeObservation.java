package io.pvespan.controller.state;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.time.Instant;

/**
 * What the controller last observed of one node's agent: an immutable value, replaced whole by each
 * observation (a status read, a push's answer). The reconcile decides from it and never from flags.
 *
 * @param url where the agent listens; null when the node has no usable address ({@code urlProblem}
 *     says why)
 * @param reachable null until the agent was first tried
 * @param appliedGeneration what the agent holds, from its freshest report (0/null digest: nothing)
 * @param refusedBy the generation the agent claimed in its last 409 not yet superseded; null: none
 * @param refusals consecutive 409s
 * @param failures consecutive failed attempts, counting towards the backoff
 * @param retryAt no push before this instant (backoff); null: none
 * @param pushInFlight for the API only: a push to this agent is under way
 */
public record NodeObservation(
    String node,
    URI url,
    String urlProblem,
    Boolean reachable,
    Instant lastContact,
    NodeMirrorStatus lastStatus,
    String lastError,
    long appliedGeneration,
    String appliedDigest,
    Long refusedBy,
    int refusals,
    int failures,
    Instant retryAt,
    long pushes,
    long pushFailures,
    boolean pushInFlight) {

  public static NodeObservation unknown(String node) {
    return new NodeObservation(
        node, null, null, null, null, null, null, 0, null, null, 0, 0, null, 0, 0, false);
  }

  public NodeObservation addressed(URI newUrl, String problem) {
    Builder b = builder();
    b.url = newUrl;
    b.urlProblem = problem;
    return b.build();
  }

  /** A status read: the freshest truth, also when the agent lost its plan (generation 0). */
  public NodeObservation statusRead(NodeMirrorStatus status, Instant at) {
    Builder b = builder();
    b.reachable = true;
    b.lastContact = at;
    b.lastStatus = status;
    b.appliedGeneration = status.appliedGeneration();
    b.appliedDigest = status.appliedDigest();
    b.refusedBy = null;
    if (failures == 0 && refusals == 0) {
      b.lastError = null; // an earlier status problem is over; a push's error stays until it works
    }
    return b.build();
  }

  public NodeObservation statusFailed(String error, boolean answered) {
    Builder b = builder();
    b.reachable = answered;
    b.lastError = error;
    return b.build();
  }

  public NodeObservation pushStarted() {
    Builder b = builder();
    b.pushInFlight = true;
    return b.build();
  }

  public NodeObservation applied(NodeMirrorPlan plan, Instant at) {
    Builder b = builder();
    b.pushInFlight = false;
    b.pushes++;
    b.reachable = true;
    b.lastContact = at;
    b.lastError = null;
    b.appliedGeneration = plan.generation();
    b.appliedDigest = plan.digest();
    b.refusedBy = null;
    b.refusals = 0;
    b.failures = 0;
    b.retryAt = null;
    return b.build();
  }

  /** A 409; {@code claimed} the agent's generation when it said it. */
  public NodeObservation refused(Long claimed, String why, Instant at) {
    Builder b = builder();
    b.pushInFlight = false;
    b.reachable = true;
    b.lastContact = at;
    b.refusedBy = claimed;
    b.refusals++;
    b.lastError = why;
    return b.build();
  }

  /** A failed attempt: {@code retryAt} from the backoff; {@code pushed} counts it as a push. */
  public NodeObservation failed(
      String error, Boolean answered, Instant newRetryAt, boolean pushed) {
    Builder b = builder();
    b.pushInFlight = false;
    if (answered != null) {
      b.reachable = answered;
    }
    b.lastError = error;
    b.failures++;
    b.retryAt = newRetryAt;
    if (pushed) {
      b.pushFailures++;
    }
    return b.build();
  }

  /** The agent holds the plan in force: past push failures and refusals no longer matter. */
  public NodeObservation inSync() {
    if (failures == 0 && refusals == 0) {
      return this; // a status problem (lastError) stays until a status read works
    }
    Builder b = builder();
    b.failures = 0;
    b.retryAt = null;
    b.refusals = 0;
    b.refusedBy = null;
    b.lastError = null;
    return b.build();
  }

  private Builder builder() {
    return new Builder(this);
  }

  /** A mutable copy, only inside this record's transitions. */
  private static final class Builder {
    final String node;
    URI url;
    String urlProblem;
    Boolean reachable;
    Instant lastContact;
    NodeMirrorStatus lastStatus;
    String lastError;
    long appliedGeneration;
    String appliedDigest;
    Long refusedBy;
    int refusals;
    int failures;
    Instant retryAt;
    long pushes;
    long pushFailures;
    boolean pushInFlight;

    Builder(NodeObservation o) {
      node = o.node;
      url = o.url;
      urlProblem = o.urlProblem;
      reachable = o.reachable;
      lastContact = o.lastContact;
      lastStatus = o.lastStatus;
      lastError = o.lastError;
      appliedGeneration = o.appliedGeneration;
      appliedDigest = o.appliedDigest;
      refusedBy = o.refusedBy;
      refusals = o.refusals;
      failures = o.failures;
      retryAt = o.retryAt;
      pushes = o.pushes;
      pushFailures = o.pushFailures;
      pushInFlight = o.pushInFlight;
    }

    NodeObservation build() {
      return new NodeObservation(
          node,
          url,
          urlProblem,
          reachable,
          lastContact,
          lastStatus,
          lastError,
          appliedGeneration,
          appliedDigest,
          refusedBy,
          refusals,
          failures,
          retryAt,
          pushes,
          pushFailures,
          pushInFlight);
    }
  }
}
