package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan status [--controller URL] [--output text|json]}: sessions, nodes and problems
 * from a running controller's API, as tables (or the three API answers as one JSON object); exits
 * {@link StatusVerdict#NOT_READY} when anything is not ready, so scripts and checks can rely on it.
 */
@picocli.CommandLine.Command(
    name = "status",
    description = {
      "sessions, nodes and drift from a running controller",
      "",
      "Reads sessions, nodes and drift from a running controller's API (read-only).",
      "Exit 0 with the tables (or JSON) on stdout when everything is ready; 3 with the same output"
          + " and one line on stderr naming what is not ready (a session not Ready or Degraded,"
          + " paused sessions and sessions selecting nothing aside; a node not Ready; spec, planner"
          + " or inventory errors); 1 with one line when the controller cannot be reached; 2 for"
          + " usage errors."
    })
public final class StatusCommand implements Command, Callable<Integer> {
  /** The controller's default listen address (see {@code ControllerConfig.DEFAULT_LISTEN}). */
  public static final String DEFAULT_CONTROLLER = "http://127.0.0.1:8780";

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--controller",
      paramLabel = "URL",
      defaultValue = DEFAULT_CONTROLLER,
      description = "the controller's API: http(s)://HOST:PORT (default: ${DEFAULT-VALUE})")
  String controller;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (default: tables for people) or json (the three API answers as one object)")
  String output;

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!output.equals("text") && !output.equals("json")) {
      throw new ParameterException(
          spec.commandLine(), "--output must be text or json, not '" + output + "'");
    }
    URI base;
    try {
      base = URI.create(controller.endsWith("/") ? controller : controller + "/");
      if (base.getHost() == null || !base.getScheme().matches("https?")) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--controller '" + controller + "' is not an http(s)://HOST:PORT URL");
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
    } else {
      StatusTables.print(sessions, nodes, plans, out);
    }
    out.flush();
    List<String> notReady = StatusVerdict.notReady(sessions, nodes, plans);
    if (notReady.isEmpty()) {
      return 0;
    }
    err.println("pvespan status: not ready: " + String.join(", ", notReady));
    err.flush();
    return StatusVerdict.NOT_READY;
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
