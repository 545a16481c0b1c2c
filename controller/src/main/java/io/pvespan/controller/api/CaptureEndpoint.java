package io.pvespan.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.pvespan.controller.capture.CaptureRefused;
import io.pvespan.controller.capture.CaptureRequest;
import io.pvespan.controller.capture.Captures;
import io.pvespan.model.VmId;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live capture through the controller ({@code docs/capture.md}); the rest of the API is read-only
 * and open, but captured frames are guests' traffic, so these paths answer only clients on the
 * controller's own host ({@link #sameHost}), where {@code ./pvespan capture} runs:
 *
 * <ul>
 *   <li>{@code POST /v1/captures} {@code {"session","vm","filter","seconds","bytes"}}: 201 {@code
 *       {"id","targets":[{"node","device","direction"}]}}; 400, 404 (no such session, or the VM is
 *       not its source), 429.
 *   <li>{@code GET /v1/captures/ID?from=N}: the merged pcap stream from offset N (waits up to 1 s),
 *       headers {@code X-Capture-Offset}, {@code X-Capture-State} ({@code running}|{@code ended})
 *       and {@code X-Capture-Reason}.
 *   <li>{@code DELETE /v1/captures/ID}: 204.
 * </ul>
 */
final class CaptureEndpoint {
  static final String PREFIX = "/v1/captures";
  private static final Pattern ONE = Pattern.compile("/v1/captures/([0-9a-f]{16})");
  private static final int BODY_LIMIT = 4096;

  private final Captures captures;

  CaptureEndpoint(Captures captures) {
    this.captures = captures;
  }

  void handle(HttpExchange ex) throws IOException {
    if (!sameHost(ex)) {
      send(ex, 403, error("capture is only for clients on the controller's host"));
      return;
    }
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    Matcher m = ONE.matcher(path);
    if (path.equals(PREFIX) && method.equals("POST")) {
      start(ex);
    } else if (m.matches() && method.equals("GET")) {
      read(ex, m.group(1));
    } else if (m.matches() && method.equals("DELETE")) {
      if (captures.cancel(m.group(1))) {
        ex.sendResponseHeaders(204, -1);
      } else {
        send(ex, 404, error("no such capture: " + m.group(1)));
      }
    } else if (path.equals(PREFIX) || m.matches()) {
      ex.getResponseHeaders().add("Allow", path.equals(PREFIX) ? "POST" : "GET, DELETE");
      send(ex, 405, error(method + " is not allowed here"));
    } else {
      send(ex, 404, error("no such resource: " + path));
    }
  }

  /**
   * A client on this host: it connects from loopback, or from the very address the controller
   * listens on (a controller bound to one address; TCP's handshake keeps others from posing as it).
   */
  static boolean sameHost(HttpExchange ex) {
    var remote = ex.getRemoteAddress().getAddress();
    return remote.isLoopbackAddress() || remote.equals(ex.getLocalAddress().getAddress());
  }

  private void start(HttpExchange ex) throws IOException {
    CaptureRequest request;
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(BODY_LIMIT + 1);
      if (body.length > BODY_LIMIT) {
        send(ex, 413, error("body over " + BODY_LIMIT + " bytes"));
        return;
      }
      request = request(PlanJson.MAPPER.readTree(body));
    } catch (IllegalArgumentException | IOException e) {
      send(ex, 400, error("invalid capture: " + e.getMessage()));
      return;
    }
    try {
      Captures.Started s = captures.start(request);
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("id", s.id());
      reply.put(
          "targets",
          s.targets().stream()
              .map(
                  t ->
                      Map.of(
                          "node", t.node(),
                          "device", t.device().value(),
                          "direction", t.direction().json()))
              .toList());
      send(ex, 201, PlanJson.write(reply) + "\n");
    } catch (CaptureRefused e) {
      send(ex, e.status(), error(e.getMessage()));
    }
  }

  static CaptureRequest request(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!List.of("session", "vm", "filter", "seconds", "bytes").contains(f)) {
                throw new IllegalArgumentException("unknown field " + f);
              }
            });
    if (!n.path("session").isTextual()) {
      throw new IllegalArgumentException("session must be a string");
    }
    Optional<VmId> vm = Optional.empty();
    if (n.hasNonNull("vm")) {
      if (!n.get("vm").canConvertToInt() || !n.get("vm").isIntegralNumber()) {
        throw new IllegalArgumentException("vm must be an integer");
      }
      vm = Optional.of(VmId.of(n.get("vm").asInt()));
    }
    Optional<String> filter =
        n.hasNonNull("filter") ? Optional.of(n.get("filter").asText()) : Optional.empty();
    if (!n.path("seconds").canConvertToLong() || !n.path("bytes").canConvertToLong()) {
      throw new IllegalArgumentException("seconds and bytes must be integers");
    }
    return new CaptureRequest(
        n.get("session").asText(),
        vm,
        filter,
        Duration.ofSeconds(n.get("seconds").asLong()),
        n.get("bytes").asLong());
  }

  private void read(HttpExchange ex, String id) throws IOException {
    long from;
    try {
      String q = ex.getRequestURI().getQuery();
      from = q != null && q.startsWith("from=") ? Long.parseLong(q.substring(5)) : 0;
    } catch (NumberFormatException e) {
      send(ex, 400, error("from must be an integer"));
      return;
    }
    Optional<Captures.Read> read;
    try {
      read = captures.read(id, Math.max(0, from), 1 << 20, 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 503, error("controller stopping"));
      return;
    }
    if (read.isEmpty()) {
      send(ex, 404, error("no such capture: " + id));
      return;
    }
    Captures.Read r = read.get();
    var h = ex.getResponseHeaders();
    h.set("Content-Type", "application/vnd.tcpdump.pcap");
    h.set("X-Capture-Offset", Long.toString(r.offset()));
    h.set("X-Capture-State", r.ended() ? "ended" : "running");
    if (r.ended()) {
      h.set("X-Capture-Reason", r.reason().replaceAll("[^\\x20-\\x7e]", "?"));
    }
    ex.sendResponseHeaders(200, r.bytes().length == 0 ? -1 : r.bytes().length);
    if (r.bytes().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.bytes());
      }
    }
  }

  private static String error(String message) {
    return PlanJson.write(Map.of("error", message)) + "\n";
  }

  private static void send(HttpExchange ex, int code, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
