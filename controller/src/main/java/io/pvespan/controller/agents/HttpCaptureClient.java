package io.pvespan.controller.agents;

import io.pvespan.controller.capture.CaptureClient;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.PlanJson;
import io.pvespan.spec.FilterRule;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link CaptureClient} over the same connections, TLS and credential as {@link HttpAgentClient}
 * (made by {@link HttpAgentClient#captures()}), with a call timeout that covers a read's wait.
 */
public final class HttpCaptureClient implements CaptureClient {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;
  private final String authorization;

  HttpCaptureClient(OkHttpClient http, String authorization) {
    this.http = http.newBuilder().callTimeout(Duration.ofSeconds(10)).build();
    this.authorization = authorization;
  }

  @Override
  public String start(
      URI agent,
      String node,
      String session,
      InterfaceName device,
      Direction direction,
      Optional<String> filter,
      List<FilterRule> rules,
      Duration duration,
      long maxBytes)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session", session);
    body.put("device", device.value());
    body.put("direction", direction.json());
    filter.ifPresent(f -> body.put("filter", f));
    if (!rules.isEmpty()) {
      body.put("rules", rules);
    }
    body.put("seconds", Math.max(1, duration.toSeconds()));
    body.put("bytes", maxBytes);
    Request req =
        request(agent.resolve("v1/captures"), node)
            .post(RequestBody.create(PlanJson.write(body), JSON))
            .build();
    try (Response resp = http.newCall(req).execute()) {
      String text = resp.body() == null ? "" : resp.body().string();
      if (resp.code() != 201) {
        String why = "POST /v1/captures: HTTP " + resp.code() + " " + oneLine(text);
        if (resp.code() >= 500 && resp.code() != 503) {
          throw new IOException(why);
        }
        throw new Refused(why);
      }
      return PlanJson.MAPPER.readTree(text).path("id").asText();
    }
  }

  @Override
  public Chunk read(URI agent, String node, String id, long from) throws IOException {
    Request req = request(agent.resolve("v1/captures/" + id + "?from=" + from), node).get().build();
    try (Response resp = http.newCall(req).execute()) {
      byte[] bytes = resp.body() == null ? new byte[0] : resp.body().bytes();
      if (resp.code() == 404) {
        throw new Refused("capture " + id + " is gone on " + node);
      }
      if (resp.code() != 200) {
        throw new IOException("GET /v1/captures: HTTP " + resp.code());
      }
      String offset = resp.header("X-Capture-Offset", Long.toString(from));
      return new Chunk(
          Long.parseLong(offset),
          bytes,
          "ended".equals(resp.header("X-Capture-State")),
          resp.header("X-Capture-Reason", ""));
    } catch (NumberFormatException e) {
      throw new IOException("GET /v1/captures: bad X-Capture-Offset");
    }
  }

  @Override
  public void cancel(URI agent, String node, String id) {
    Request req = request(agent.resolve("v1/captures/" + id), node).delete().build();
    try (Response resp = http.newCall(req).execute()) {
      // 204, or 404 when it already ended and was forgotten: both fine
    } catch (IOException e) {
      // the agent stops a capture nobody reads within seconds
    }
  }

  private Request.Builder request(URI url, String node) {
    Request.Builder b =
        new Request.Builder()
            .url(url.toString())
            .tag(AgentIdentity.Node.class, new AgentIdentity.Node(node));
    return authorization == null ? b : b.header("Authorization", authorization);
  }

  private static String oneLine(String text) {
    String t = text.replace('\n', ' ').trim();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
