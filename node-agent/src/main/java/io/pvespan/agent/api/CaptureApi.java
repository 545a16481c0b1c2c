package io.pvespan.agent.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.pvespan.agent.capture.CaptureSpec;
import io.pvespan.agent.capture.Captures;
import io.pvespan.agent.kernel.BpfCompiler;
import io.pvespan.agent.kernel.BpfProgram;
import io.pvespan.agent.kernel.PcapFilter;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.PlanJson;
import io.pvespan.spec.FilterRule;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live captures ({@code docs/capture.md}), for the controller only (the caller checked access):
 *
 * <ul>
 *   <li>{@code POST /v1/captures} with {@code {"session","device","direction","filter","rules",
 *       "seconds","bytes"}} ({@code rules}: the session's filter rules): 201 {@code {"id":...}};
 *       400 invalid; 429 too many running; 503 no tcpdump.
 *   <li>{@code GET /v1/captures/ID?from=N}: the pcap stream's bytes from offset N (waits up to 1 s
 *       for some), headers {@code X-Capture-Offset} (where the body starts), {@code
 *       X-Capture-State} ({@code running} or {@code ended}) and {@code X-Capture-Reason}; 404
 *       unknown (or forgotten) id.
 *   <li>{@code DELETE /v1/captures/ID}: 204, the capture stops.
 * </ul>
 *
 * A stream is read in short requests rather than one long response: the server ends every response
 * after {@link ApiServer#RESPONSE_DEADLINE_SECONDS}, and a capture not read for a while is stopped.
 */
final class CaptureApi {
  static final String PREFIX = "/v1/captures";
  static final int BODY_LIMIT = 4096;
  static final int MAX_CHUNK = 256 * 1024;
  static final long WAIT_MILLIS = 1000;
  private static final Pattern ONE = Pattern.compile("/v1/captures/([0-9a-f]{16})");

  private final Captures captures;

  CaptureApi(Captures captures) {
    this.captures = captures;
  }

  void handle(HttpExchange ex, String method, String path) throws IOException {
    if (path.equals(PREFIX)) {
      if ("POST".equals(method)) {
        start(ex);
      } else {
        ex.getResponseHeaders().set("Allow", "POST");
        Replies.error(ex, 405, "method not allowed", List.of(method + " is not POST"));
      }
      return;
    }
    Matcher m = ONE.matcher(path);
    if (!m.matches()) {
      Replies.error(ex, 404, "not found", List.of(path));
      return;
    }
    switch (method) {
      case "GET" -> read(ex, m.group(1));
      case "DELETE" -> {
        if (captures.cancel(m.group(1))) {
          ex.sendResponseHeaders(204, -1);
        } else {
          Replies.error(ex, 404, "no such capture", List.of(m.group(1)));
        }
      }
      default -> {
        ex.getResponseHeaders().set("Allow", "GET, DELETE");
        Replies.error(ex, 405, "method not allowed", List.of(method + " is not GET or DELETE"));
      }
    }
  }

  private void start(HttpExchange ex) throws IOException {
    CaptureSpec spec;
    try {
      spec = spec(BoundedBody.read(ex, BODY_LIMIT));
    } catch (BoundedBody.TooLarge e) {
      ex.getResponseHeaders().set("Connection", "close");
      Replies.error(ex, 413, "body too large", List.of(e.getMessage()));
      return;
    } catch (IllegalArgumentException | IOException e) {
      Replies.error(ex, 400, "invalid capture", List.of(String.valueOf(e.getMessage())));
      return;
    }
    try {
      Replies.json(ex, 201, Map.of("id", captures.start(spec)));
    } catch (Captures.Refused e) {
      Replies.error(ex, e.status(), "capture refused", List.of(e.getMessage()));
    }
  }

  static CaptureSpec spec(byte[] body) throws IOException {
    JsonNode n = PlanJson.MAPPER.readTree(body);
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    var fields = n.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      if (!List.of("session", "device", "direction", "filter", "rules", "seconds", "bytes")
          .contains(f)) {
        throw new IllegalArgumentException("unknown field " + f);
      }
    }
    return new CaptureSpec(
        text(n, "session"),
        new InterfaceName(text(n, "device")),
        n.has("direction") ? Direction.parse(text(n, "direction")) : Direction.BOTH,
        n.hasNonNull("filter") ? Optional.of(new PcapFilter(text(n, "filter"))) : Optional.empty(),
        Duration.ofSeconds(number(n, "seconds")),
        number(n, "bytes"),
        sessionMatch(n.get("rules")));
  }

  /** The session's filter rules, compiled as for its mirror filters; empty: mirror everything. */
  private static Optional<BpfProgram> sessionMatch(JsonNode rules) {
    if (rules == null || rules.isNull()) {
      return Optional.empty();
    }
    if (!rules.isArray()) {
      throw new IllegalArgumentException("rules must be a list of filter rules");
    }
    List<FilterRule> list =
        PlanJson.MAPPER.convertValue(rules, new TypeReference<List<FilterRule>>() {});
    return list.isEmpty() ? Optional.empty() : Optional.of(BpfCompiler.compile(list));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return v.asLong();
  }

  private void read(HttpExchange ex, String id) throws IOException {
    long from;
    try {
      String q = ex.getRequestURI().getQuery();
      from = q != null && q.startsWith("from=") ? Long.parseLong(q.substring(5)) : 0;
      if (from < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      Replies.error(ex, 400, "invalid offset", List.of("from must be a non-negative integer"));
      return;
    }
    Optional<Captures.Read> read;
    try {
      read = captures.read(id, from, MAX_CHUNK, WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Replies.error(ex, 503, "agent stopping", List.of());
      return;
    }
    if (read.isEmpty()) {
      Replies.error(ex, 404, "no such capture", List.of(id));
      return;
    }
    Captures.Read r = read.get();
    var h = ex.getResponseHeaders();
    h.set("Content-Type", "application/vnd.tcpdump.pcap");
    h.set("Cache-Control", "no-store");
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
}
