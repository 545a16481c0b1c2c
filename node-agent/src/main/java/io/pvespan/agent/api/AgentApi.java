package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pvespan.agent.engine.AgentReconciler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API, one handler for every path:
 *
 * <ul>
 *   <li>{@code PUT /v1/plan}: admit a plan ({@link PlanIntake}); 202 accepted, 200 unchanged, 400
 *       invalid, 401 no/wrong token, 409 stale, 413 body over the limit.
 *   <li>{@code GET /v1/plan}: the current plan (404 when there is none); {@code GET /v1/status}:
 *       the {@code NodeMirrorStatus}.
 *   <li>{@code GET /healthz}: {@code ok}; {@code GET /metrics}: Prometheus text or OpenMetrics
 *       ({@link AgentMetrics}).
 * </ul>
 *
 * Everything under {@code /v1/} needs the controller's client certificate under mutual TLS and/or
 * {@code Authorization: Bearer <token>} ({@link ApiAccess}); 401 without, 403 for a certificate
 * without the controller role. {@code /healthz} and {@code /metrics} are open, as scrapers and load
 * balancers expect; they reveal counters and session names, nothing that changes the kernel.
 * Unknown paths 404, wrong methods 405.
 */
final class AgentApi implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AgentApi.class);

  private final ApiAccess access;
  private final PlanIntake intake;
  private final AgentReconciler reconciler;
  private final long bodyLimit;
  private final MetricsEndpoint metrics;
  private final CaptureApi captures;

  AgentApi(ApiAccess access, PlanIntake intake, AgentReconciler reconciler, long bodyLimit) {
    this(access, intake, reconciler, bodyLimit, null);
  }

  /** {@code captures} null: {@code /v1/captures} answers 404 (no live capture on this agent). */
  AgentApi(
      ApiAccess access,
      PlanIntake intake,
      AgentReconciler reconciler,
      long bodyLimit,
      CaptureApi captures) {
    this.captures = captures;
    this.access = access;
    this.intake = intake;
    this.reconciler = reconciler;
    this.bodyLimit = bodyLimit;
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(
        new AgentMetrics(reconciler::status, reconciler::stats, ProcessMemory::residentBytes));
    this.metrics = new MetricsEndpoint(registry);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      route(ex);
    } catch (IOException e) {
      LOG.debug("client connection: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString(), e);
      Replies.error(ex, 500, "internal error", List.of(e.getClass().getSimpleName()));
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    switch (path) {
      case "/healthz" -> {
        if (allow(ex, method, "GET", "HEAD")) {
          Replies.text(ex, 200, "text/plain; charset=utf-8", "ok\n");
        }
      }
      case "/metrics" -> {
        if (allow(ex, method, "GET", "HEAD")) {
          MetricsEndpoint.Scrape scrape = metrics.scrape(ex.getRequestHeaders().getFirst("Accept"));
          Replies.text(ex, 200, scrape.contentType(), scrape.body());
        }
      }
      case "/v1/status" -> {
        if (allow(ex, method, "GET", "HEAD") && authorised(ex)) {
          Replies.json(ex, 200, reconciler.status());
        }
      }
      case "/v1/plan" -> {
        if (allow(ex, method, "GET", "HEAD", "PUT") && authorised(ex)) {
          if ("PUT".equals(method)) {
            put(ex);
          } else {
            getPlan(ex);
          }
        }
      }
      default -> {
        // Live capture (docs/capture.md): controller only, like plans.
        if (captures != null && path.startsWith(CaptureApi.PREFIX) && authorised(ex)) {
          captures.handle(ex, method, path);
        } else if (captures == null || !path.startsWith(CaptureApi.PREFIX)) {
          Replies.error(ex, 404, "not found", List.of(path));
        }
      }
    }
  }

  private void getPlan(HttpExchange ex) throws IOException {
    var plan = reconciler.plan();
    if (plan.isPresent()) {
      Replies.json(ex, 200, plan.get());
    } else {
      Replies.error(ex, 404, "no plan", List.of("no plan accepted yet"));
    }
  }

  private void put(HttpExchange ex) throws IOException {
    byte[] body;
    try {
      body = BoundedBody.read(ex, bodyLimit);
    } catch (BoundedBody.TooLarge e) {
      // Close instead of draining: the JDK server then reads at most a little of the rest.
      ex.getResponseHeaders().set("Connection", "close");
      Replies.error(ex, 413, "body too large", List.of(e.getMessage()));
      return;
    }
    PlanIntake.Outcome outcome = intake.offer(body);
    if (outcome instanceof PlanIntake.Outcome.Accepted a) {
      LOG.info("accepted plan generation {} ({})", a.generation(), a.digest());
      Replies.json(ex, 202, accepted(true, a.generation(), a.digest()));
    } else if (outcome instanceof PlanIntake.Outcome.Unchanged u) {
      Replies.json(ex, 200, accepted(false, u.generation(), u.digest()));
    } else if (outcome instanceof PlanIntake.Outcome.Stale s) {
      Map<String, Object> reply = Replies.errorBody("stale generation", List.of(s.message()));
      reply.put("appliedGeneration", s.appliedGeneration());
      reply.put("offeredGeneration", s.offeredGeneration());
      Replies.json(ex, 409, reply);
    } else if (outcome instanceof PlanIntake.Outcome.Invalid i) {
      LOG.warn("refused a plan: {}: {}", i.error(), i.details());
      Replies.error(ex, 400, i.error(), i.details());
    } else if (outcome instanceof PlanIntake.Outcome.StoreFailed f) {
      // 507 Insufficient Storage would fit a full disk only; 500 covers read-only and I/O errors
      // too. The controller retries with backoff; the current plan stays applied meanwhile.
      Replies.error(ex, 500, "plan not persisted", List.of(f.message()));
    }
  }

  private static Map<String, Object> accepted(boolean changed, long generation, String digest) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("changed", changed);
    body.put("generation", generation);
    body.put("digest", digest);
    return body;
  }

  private boolean authorised(HttpExchange ex) throws IOException {
    ApiAccess.Refusal refusal = access.check(ex);
    if (refusal == null) {
      return true;
    }
    LOG.warn(
        "refused {} {} from {}: {}",
        ex.getRequestMethod(),
        ex.getRequestURI().getPath(),
        ex.getRemoteAddress(),
        refusal.reason());
    if (refusal.status() == 401 && access.usesToken()) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"pvespan-agent\"");
    }
    Replies.error(
        ex,
        refusal.status(),
        refusal.status() == 401 ? "unauthorized" : "forbidden",
        List.of(refusal.reason()));
    return false;
  }

  private static boolean allow(HttpExchange ex, String method, String... allowed)
      throws IOException {
    for (String a : allowed) {
      if (a.equals(method)) {
        return true;
      }
    }
    ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
    Replies.error(
        ex,
        405,
        "method not allowed",
        List.of(method + " is not one of " + String.join(", ", allowed)));
    return false;
  }
}
