package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./pvespan status [--controller URL] [--output text|json]}: sessions, nodes and problems
 * from a running controller's API, as tables (or the three API answers as one JSON object).
 */
public final class StatusCommand implements Command {
  /** The controller's default listen address (see {@code ControllerConfig.DEFAULT_LISTEN}). */
  public static final String DEFAULT_CONTROLLER = "http://127.0.0.1:8780";

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "sessions, nodes and drift from a running controller";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    String controller = DEFAULT_CONTROLLER;
    String output = "text";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        out.println("usage: ./pvespan status [--controller URL] [--output text|json]");
        out.println("  default controller: " + DEFAULT_CONTROLLER);
        return 0;
      } else if (a.equals("--controller") && i + 1 < args.size()) {
        controller = args.get(++i);
      } else if (a.equals("--output") && i + 1 < args.size()) {
        output = args.get(++i);
      } else {
        err.println("pvespan status: unexpected argument '" + a + "' (see --help)");
        return 2;
      }
    }
    if (!output.equals("text") && !output.equals("json")) {
      err.println("pvespan status: --output must be text or json, not '" + output + "'");
      return 2;
    }
    URI base;
    try {
      base = URI.create(controller.endsWith("/") ? controller : controller + "/");
      if (base.getHost() == null || !base.getScheme().matches("https?")) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      err.println(
          "pvespan status: --controller '" + controller + "' is not an http(s)://HOST:PORT URL");
      return 2;
    }
    JsonNode sessions;
    JsonNode nodes;
    JsonNode plans;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      sessions = get(http, base, "v1/sessions");
      nodes = get(http, base, "v1/nodes");
      plans = get(http, base, "v1/plans");
    } catch (IOException e) {
      err.println(
          "pvespan status: cannot reach the controller at " + controller + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (output.equals("json")) {
      ObjectNode all = PlanJson.MAPPER.createObjectNode();
      all.set("sessions", sessions);
      all.set("nodes", nodes);
      all.set("plans", plans);
      out.println(PlanJson.writePretty(all));
      return 0;
    }
    StatusTables.print(sessions, nodes, plans, out);
    return 0;
  }

  private static JsonNode get(HttpClient http, URI base, String path)
      throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String m = e.getMessage();
      throw new IOException(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }
    if (resp.statusCode() != 200) {
      throw new IOException("GET /" + path + " answered HTTP " + resp.statusCode());
    }
    try {
      return PlanJson.MAPPER.readTree(resp.body());
    } catch (IOException e) {
      throw new IOException("GET /" + path + " is not JSON (is this a pvespan controller?)");
    }
  }
}
