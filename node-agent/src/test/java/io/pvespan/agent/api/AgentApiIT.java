package io.pvespan.agent.api;

import static io.pvespan.agent.fakes.AgentHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.Condition;
import io.pvespan.status.NodeMirrorStatus;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real HTTP server on 127.0.0.1 over a fake converger. */
class AgentApiIT {
  @TempDir Path tmp;
  private Path stateDir;
  private AgentHarness agent;

  @BeforeEach
  void start() throws Exception {
    stateDir = tmp.resolve("state");
    agent = AgentHarness.start(stateDir, tmp);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return PlanJson.MAPPER.readTree(r.body());
  }

  @Test
  void putWithoutOrWithAWrongTokenIs401() throws Exception {
    String plan = Plans.json(Plans.simple(1));
    HttpResponse<String> none = agent.send("PUT", "/v1/plan", plan, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(agent.send("PUT", "/v1/plan", plan, "wrong").statusCode()).isEqualTo(401);
    assertThat(agent.get("/v1/status", false).statusCode()).isEqualTo(401);
    assertThat(agent.get("/v1/plan", false).statusCode()).isEqualTo(401);
    assertThat(agent.converger.calls()).isZero();
    assertThat(stateDir.resolve(PlanStore.FILE)).doesNotExist();
  }

  @Test
  void acceptedPlanIsPersistedThenConverged() throws Exception {
    HttpResponse<String> r = agent.put(Plans.json(Plans.full(3)));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).get("generation").asLong()).isEqualTo(3);
    assertThat(json(r).get("changed").asBoolean()).isTrue();
    assertThat(
            PlanJson.MAPPER.readValue(
                stateDir.resolve(PlanStore.FILE).toFile(), NodeMirrorPlan.class))
        .isEqualTo(Plans.full(3));
    await("converge", () -> agent.converger.calls() >= 1);
    assertThat(agent.converger.plans().get(0)).isEqualTo(Plans.full(3));

    HttpResponse<String> plan = agent.get("/v1/plan", true);
    assertThat(PlanJson.MAPPER.readValue(plan.body(), NodeMirrorPlan.class))
        .isEqualTo(Plans.full(3));
    await("status", () -> status().appliedGeneration() == 3);
    NodeMirrorStatus s = status();
    assertThat(s.appliedDigest()).isEqualTo(Plans.full(3).digest());
    assertThat(s.conditions())
        .extracting(Condition::type, Condition::status)
        .contains(org.assertj.core.groups.Tuple.tuple("Ready", "True"));

    HttpResponse<String> again = agent.put(Plans.json(Plans.full(3)));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("changed").asBoolean()).isFalse();
  }

  private NodeMirrorStatus status() {
    try {
      return PlanJson.MAPPER.readValue(
          agent.get("/v1/status", true).body(), NodeMirrorStatus.class);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void staleGenerationIs409AndNeverConverged() throws Exception {
    assertThat(agent.put(Plans.json(Plans.simple(5))).statusCode()).isEqualTo(202);
    HttpResponse<String> stale = agent.put(Plans.json(Plans.full(4)));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(json(stale).get("appliedGeneration").asLong()).isEqualTo(5);
    assertThat(json(stale).get("offeredGeneration").asLong()).isEqualTo(4);
    // Same generation, other content: also a conflict.
    assertThat(agent.put(Plans.json(Plans.full(5))).statusCode()).isEqualTo(409);
    await("converge of 5", () -> agent.converger.calls() >= 1);
    assertThat(agent.converger.plans()).allMatch(p -> p.equals(Plans.simple(5)));
    assertThat(
            PlanJson.MAPPER.readValue(
                stateDir.resolve(PlanStore.FILE).toFile(), NodeMirrorPlan.class))
        .isEqualTo(Plans.simple(5));
  }

  @Test
  void malformedJsonIs400WithReasons() throws Exception {
    HttpResponse<String> r = agent.put("{\"node\": \"pve1\", ");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").asText()).isEqualTo("malformed plan");
    assertThat(json(r).get("details").get(0).asText()).isNotBlank();
    HttpResponse<String> unknown =
        agent.put(Plans.json(Plans.simple(1)).replaceFirst("\\{", "{\"extra\":1,"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).get("details").get(0).asText()).contains("extra");
    assertThat(agent.put("").statusCode()).isEqualTo(400);
    assertThat(agent.put(Plans.json(Plans.simple(1)) + " {}").statusCode()).isEqualTo(400);
    HttpResponse<String> twice =
        agent.put(Plans.json(Plans.simple(1)).replaceFirst("\\{", "{\"generation\":9,"));
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(json(twice).get("details").get(0).asText()).contains("Duplicate field 'generation'");
    assertThat(agent.converger.calls()).isZero();
  }

  @Test
  void hostilePlanIs400AndNothingIsTouched() throws Exception {
    String hostile = Plans.json(Plans.simple(1)).replace("tap101i0", "tap1;reboot");
    HttpResponse<String> r = agent.put(hostile);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("details").get(0).asText())
        .contains("mirrors[0].interface", "'tap1;reboot' is not a Linux interface name");
    assertThat(agent.converger.calls()).isZero();
    assertThat(stateDir.resolve(PlanStore.FILE)).doesNotExist();
  }

  @Test
  void planForAnotherNodeOrWithAWrongDigestIs400() throws Exception {
    HttpResponse<String> other =
        agent.put(Plans.json(NodeMirrorPlan.of("pve2", 1, Plans.simple(1).mirrors(), null, null)));
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).get("details").get(0).asText())
        .isEqualTo("plan is for node 'pve2', this agent is node 'pve1'");
    String tampered = Plans.json(Plans.simple(1)).replace("tap900i0", "tap901i0");
    HttpResponse<String> digest = agent.put(tampered);
    assertThat(digest.statusCode()).isEqualTo(400);
    assertThat(json(digest).get("details").get(0).asText()).contains("does not match");
    assertThat(agent.converger.calls()).isZero();
  }

  @Test
  void kernelEventsTriggerConverges() throws Exception {
    agent.put(Plans.json(Plans.simple(1)));
    await("first converge", () -> agent.converger.calls() >= 1);
    int before = agent.converger.calls();
    agent.events.fire("tap101i0");
    await("converge after the event", () -> agent.converger.calls() > before);
  }

  @Test
  void healthzMetricsAndRouting() throws Exception {
    HttpResponse<String> health = agent.get("/healthz", false);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");

    agent.put(Plans.json(Plans.simple(2)));
    await("converge", () -> agent.converger.calls() >= 1);
    await("metrics", () -> metrics().contains("pvespan_agent_applied_generation 2.0\n"));
    HttpResponse<String> m = agent.get("/metrics", false);
    assertThat(m.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(m.body())
        .contains(
            "pvespan_agent_mirrored_interfaces 1.0\n",
            "pvespan_agent_mirrored_bytes_total{session=\"dmz\"} 1000.0\n",
            "pvespan_agent_converge_duration_seconds_count ")
        .containsPattern("process_resident_memory_bytes [1-9][0-9.]+E[0-9]+\n");

    assertThat(agent.get("/nope", true).statusCode()).isEqualTo(404);
    assertThat(agent.get("/v1/plans", true).statusCode()).isEqualTo(404);
    HttpResponse<String> wrong = agent.send("DELETE", "/v1/plan", "", AgentHarness.TOKEN);
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("Allow")).contains("GET, HEAD, PUT");
    assertThat(agent.send("POST", "/healthz", "", null).statusCode()).isEqualTo(405);
  }

  private String metrics() {
    try {
      return agent.get("/metrics", false).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void getPlanIs404BeforeAnyPlan() throws Exception {
    assertThat(agent.get("/v1/plan", true).statusCode()).isEqualTo(404);
    assertThat(Files.exists(stateDir)).isTrue();
  }
}
