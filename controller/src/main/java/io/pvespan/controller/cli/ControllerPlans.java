package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running controller has in force, read from its API ({@code GET /v1/plans} and {@code GET
 * /v1/inventory}): the plans, the inventory they were made from, and the spec errors that keep
 * newer specs out.
 *
 * @param inventory null before the controller's first successful poll
 */
record ControllerPlans(
    List<NodeMirrorPlan> plans, Inventory inventory, List<String> specErrors, String commit) {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * @throws IOException with a one-line reason when the controller cannot be read
   */
  static ControllerPlans fetch(URI controller) throws IOException {
    URI base = controller.toString().endsWith("/") ? controller : URI.create(controller + "/");
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    JsonNode plans = get(http, base, "v1/plans");
    JsonNode inv = get(http, base, "v1/inventory");
    List<NodeMirrorPlan> inForce = new ArrayList<>();
    for (JsonNode p : plans.path("plans")) {
      inForce.add(PlanJson.MAPPER.treeToValue(p, NodeMirrorPlan.class));
    }
    Inventory inventory =
        inv.path("inventory").isObject()
            ? PlanJson.MAPPER.treeToValue(inv.get("inventory"), Inventory.class)
            : null;
    List<String> errors = new ArrayList<>();
    plans.path("specErrors").forEach(e -> errors.add(e.asText()));
    return new ControllerPlans(
        List.copyOf(inForce), inventory, errors, plans.path("specsCommit").asText(null));
  }

  private static JsonNode get(HttpClient http, URI base, String path) throws IOException {
    URI uri = base.resolve(path);
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    HttpResponse<String> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      throw new IOException(uri + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    if (res.statusCode() != 200) {
      throw new IOException(uri + ": HTTP " + res.statusCode());
    }
    try {
      return PlanJson.MAPPER.readTree(res.body());
    } catch (IOException e) {
      throw new IOException(uri + ": not JSON: " + e.getMessage());
    }
  }
}
