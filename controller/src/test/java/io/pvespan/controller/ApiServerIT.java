package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.DriftItem;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read-only API served on 127.0.0.1 from a controller wired to stand-in agents. */
class ApiServerIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private Harness h;
  private ApiServer api;

  @BeforeEach
  void start() throws Exception {
    h = new Harness(guest(101, "pve1", "running"), guest(102, "pve2", "running"));
    api =
        ApiServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), h.controller::snapshot);
    h.pollAndSettle();
  }

  @AfterEach
  void stop() {
    api.close();
    h.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return PlanJson.MAPPER.readTree(r.body());
  }

  @Test
  void sessionsShowSelectedGuestsDevicesPerNodeAndConditions() throws Exception {
    JsonNode s = json("/v1/sessions").get(0);
    assertThat(s.get("name").asText()).isEqualTo("web");
    assertThat(s.get("sensor").asText()).isEqualTo("ids");
    assertThat(s.get("paused").asBoolean()).isFalse();
    assertThat(s.get("selectedGuests").toString()).isEqualTo("[101,102]");
    assertThat(s.get("devices").toString())
        .isEqualTo("{\"pve1\":[\"tap101i0\"],\"pve2\":[\"tap102i0\"]}");
    assertThat(condition(s, "Ready")).isEqualTo("True/Applied");
    assertThat(condition(s, "Degraded")).isEqualTo("False/AsExpected");

    h.agent("pve2").mode = FakeAgent.Mode.FAIL_500;
    h.inventory.inventory =
        Fakes.inventory(
            Harness.NODES,
            guest(101, "pve1", "running"),
            guest(102, "pve2", "running"),
            guest(103, "pve2", "running"));
    h.pollAndSettle();
    h.specs.broken("spec.sources: unknown field 'vmid'");
    h.controller.checkSpecs();
    s = json("/v1/sessions").get(0);
    assertThat(condition(s, "Ready")).isEqualTo("False/PlanNotApplied");
    assertThat(condition(s, "Degraded")).isEqualTo("True/SpecsInvalid");
  }

  @Test
  void nodesShowAgentGenerationsAndDrift() throws Exception {
    h.agent("pve1").drift =
        List.of(
            new DriftItem(
                DriftItem.Kind.MISSING,
                "filter tap101i0 ingress prio 7",
                "deleted by a VM restart",
                Instant.parse("2026-11-23T05:00:00Z")));
    h.controller.collectStatus();
    h.io.awaitIdle();

    JsonNode nodes = json("/v1/nodes");
    assertThat(nodes).hasSize(3);
    JsonNode pve1 = nodes.get(0);
    assertThat(pve1.get("node").asText()).isEqualTo("pve1");
    assertThat(pve1.get("agentUrl").asText()).isEqualTo(h.agent("pve1").url().toString());
    assertThat(pve1.get("reachable").asBoolean()).isTrue();
    assertThat(pve1.get("appliedGeneration").asLong()).isEqualTo(1);
    assertThat(pve1.get("desiredGeneration").asLong()).isEqualTo(1);
    assertThat(pve1.get("appliedDigest").asText()).startsWith("sha256:");
    assertThat(pve1.get("inSync").asBoolean()).isTrue();
    assertThat(pve1.get("drift").get(0).get("kind").asText()).isEqualTo("missing");
    assertThat(pve1.get("drift").get(0).get("object").asText())
        .isEqualTo("filter tap101i0 ingress prio 7");
    assertThat(pve1.get("lastError").isNull()).isTrue();

    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("pvespan_controller_node_drift_items{node=\"pve1\"} 1.0\n")
        .contains("pvespan_controller_node_drift_items{node=\"pve2\"} 0.0\n")
        .contains("pvespan_controller_node_desired_generation{node=\"pve1\"} 1.0\n")
        .contains("pvespan_controller_node_plan_pushes_total{node=\"pve3\"} 1.0\n")
        .contains("pvespan_controller_node_plan_push_failures_total{node=\"pve3\"} 0.0\n")
        .contains("pvespan_controller_inventory_polls_total 1.0\n")
        .contains("pvespan_controller_inventory_poll_failures_total{reason=\"unreachable\"} 0.0\n")
        .contains("pvespan_controller_pve_up 1.0\n")
        .contains("pvespan_controller_inventory_guests 2.0\n")
        .contains("pvespan_controller_spec_errors 0.0\n")
        .contains("# TYPE pvespan_controller_node_plan_pushes_total counter\n")
        .containsPattern("process_resident_memory_bytes [1-9][0-9.]*E[0-9]+\n")
        .containsPattern("jvm_memory_heap_used_bytes [1-9][0-9.]*(E[0-9]+)?\n");
  }

  @Test
  void plansShowThePlansInForceAndTheErrorsKeepingNewerOnesOut() throws Exception {
    JsonNode p = json("/v1/plans");
    assertThat(p.get("plans")).hasSize(3);
    assertThat(p.get("plans").get(0).get("kind").asText()).isEqualTo("NodeMirrorPlan");
    assertThat(p.get("plans").get(0).get("mirrors").get(0).get("interface").asText())
        .isEqualTo("tap101i0");
    assertThat(p.get("specErrors")).isEmpty();
    assertThat(p.get("inventoryError").isNull()).isTrue();
    assertThat(p.get("lastPoll").asText()).isEqualTo("2026-11-23T06:00:00Z");

    h.specs.broken("spec.sensorRef: 'nope' names no Sensor");
    h.controller.checkSpecs();
    p = json("/v1/plans");
    assertThat(p.get("plans")).hasSize(3);
    assertThat(p.get("specErrors").get(0).asText())
        .isEqualTo("specs/bad.yaml:3:5: spec.sensorRef: 'nope' names no Sensor");
    assertThat(get("/metrics").body()).contains("pvespan_controller_spec_errors 1.0\n");
  }

  @Test
  void sixtyFourSilentConnectionsDoNotFreezeTheApi() throws Exception {
    java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        held.add(new java.net.Socket("127.0.0.1", api.port()));
      }
      Thread.sleep(200);
      long t0 = System.nanoTime();
      assertThat(get("/healthz").statusCode()).isEqualTo(200);
      assertThat(get("/v1/sessions").statusCode()).isEqualTo(200);
      assertThat((System.nanoTime() - t0) / 1_000_000)
          .as("answered within 6 s while 64 connections are held")
          .isLessThan(6_000);
    } finally {
      for (java.net.Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void healthzAndErrors() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
    HttpResponse<String> missing = get("/v1/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(PlanJson.MAPPER.readTree(missing.body()).get("error").asText())
        .isEqualTo("no such resource: /v1/nope");
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/plans"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
  }

  private static String condition(JsonNode session, String type) {
    for (JsonNode c : session.get("conditions")) {
      if (c.get("type").asText().equals(type)) {
        return c.get("status").asText() + "/" + c.get("reason").asText();
      }
    }
    return "absent";
  }
}
