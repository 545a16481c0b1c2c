package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpExchange;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writing answers: JSON bodies, plain text, and the error shape {@code {"error","details"}}. */
final class Replies {
  private Replies() {}

  static void json(HttpExchange ex, int code, Object body) throws IOException {
    send(ex, code, "application/json", PlanJson.write(body) + "\n");
  }

  static void text(HttpExchange ex, int code, String contentType, String body) throws IOException {
    send(ex, code, contentType, body);
  }

  static void error(HttpExchange ex, int code, String error, List<String> details)
      throws IOException {
    json(ex, code, errorBody(error, details));
  }

  static Map<String, Object> errorBody(String error, List<String> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("details", details);
    return body;
  }

  private static void send(HttpExchange ex, int code, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
