package io.pvespan.controller.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.controller.tls.TlsSetup;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link AgentClient} over HTTP(S) with the shared bearer credential (when configured) and, under
 * mutual TLS, the controller's client certificate and a check of each agent's ({@link
 * AgentIdentity}). Bounded by a connect timeout and a whole-call timeout, so that a hanging agent
 * releases its task. A pooled connection the agent has closed is not a failure: the request goes
 * again on a fresh connection.
 */
public final class HttpAgentClient implements AgentClient {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_REASON = 300;

  private final OkHttpClient http;
  private final String authorization;

  /**
   * @param token the bearer credential, or null to send none (mutual TLS alone)
   * @param callTimeout bound on one whole request (connect, send, wait, read)
   * @throws IllegalArgumentException one line, when the TLS trust cannot be set up (a CA file)
   */
  public HttpAgentClient(String token, AgentTls tls, Duration callTimeout) {
    this.authorization = token == null ? null : "Bearer " + token;
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectTimeout(
                Duration.ofSeconds(2).compareTo(callTimeout) < 0
                    ? Duration.ofSeconds(2)
                    : callTimeout)
            .callTimeout(callTimeout)
            // Re-send on a fresh connection when a pooled one turns out closed by the agent (idle
            // timeout, restart). Both calls are idempotent: a re-sent plan of the same generation
            // and digest is answered "unchanged". Never after a read timeout or a TLS refusal.
            .retryOnConnectionFailure(true);
    if (tls.mutual() != null) {
      AgentTls.Mutual m = tls.mutual();
      TlsSetup.applyMutual(
          b, m.ca(), m.cert(), m.key(), "agents.tls.ca must be the CA that signed the agents");
      b.addNetworkInterceptor(new AgentIdentity());
    } else {
      TlsSetup.apply(
          b, tls.trust(), "pin it with agents.fingerprint, or give agents.caFile to trust its CA");
    }
    this.http = b.build();
  }

  /** A live-capture client sharing this client's connections, TLS and credential. */
  public HttpCaptureClient captures() {
    return new HttpCaptureClient(http, authorization);
  }

  @Override
  public PushOutcome push(URI agent, NodeMirrorPlan plan) {
    Request req =
        request(agent.resolve("v1/plan"), plan.node())
            .put(RequestBody.create(PlanJson.write(plan), JSON))
            .build();
    try (Response resp = http.newCall(req).execute()) {
      String body = resp.body() == null ? "" : resp.body().string();
      if (resp.isSuccessful()) {
        return new PushOutcome.Applied();
      }
      if (resp.code() == 409) {
        return new PushOutcome.Stale(agentGeneration(body), reason(resp.code(), body));
      }
      return new PushOutcome.Failed(resp.code(), reason(resp.code(), body));
    } catch (IOException e) {
      return new PushOutcome.Failed(0, describe(e));
    }
  }

  @Override
  public NodeMirrorStatus status(URI agent, String node) throws AgentException {
    Request req = request(agent.resolve("v1/status"), node).get().build();
    try (Response resp = http.newCall(req).execute()) {
      String body = resp.body() == null ? "" : resp.body().string();
      if (!resp.isSuccessful()) {
        throw new AgentException("GET /v1/status: " + reason(resp.code(), body));
      }
      return PlanJson.MAPPER.readValue(body, NodeMirrorStatus.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AgentException("GET /v1/status: not a NodeMirrorStatus: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new AgentException("GET /v1/status: " + describe(e));
    }
  }

  private Request.Builder request(URI url, String node) {
    Request.Builder b =
        new Request.Builder()
            .url(url.toString())
            .tag(AgentIdentity.Node.class, new AgentIdentity.Node(node));
    return authorization == null ? b : b.header("Authorization", authorization);
  }

  /** The agent's {@code {"error":..}} text when it sent one, else the status code. */
  private static String reason(int code, String body) {
    try {
      JsonNode n = PlanJson.MAPPER.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        StringBuilder details = new StringBuilder();
        n.path("details").forEach(d -> details.append("; ").append(d.asText()));
        return truncate("HTTP " + code + ": " + n.get("error").asText() + details);
      }
    } catch (IOException e) {
      // not JSON: fall through to the bare status
    }
    return "HTTP " + code;
  }

  /** A 409 body may say which generation the agent holds. */
  private static Long agentGeneration(String body) {
    try {
      JsonNode n = PlanJson.MAPPER.readTree(body);
      for (String field : new String[] {"appliedGeneration", "currentGeneration", "generation"}) {
        if (n != null && n.has(field) && n.get(field).canConvertToLong()) {
          return n.get(field).asLong();
        }
      }
    } catch (IOException e) {
      // not JSON: the caller asks the agent's status instead
    }
    return null;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + truncate(m));
  }

  private static String truncate(String s) {
    s = s.replace('\n', ' ');
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
  }
}
