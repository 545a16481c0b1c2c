package io.pvespan.agent;

import static io.pvespan.agent.fakes.AgentHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.Condition;
import io.pvespan.status.NodeMirrorStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new agent process (new server, same state dir) carries on without the controller. */
class AgentRestartIT {
  @TempDir Path tmp;

  private static Condition condition(AgentHarness agent, String type) throws Exception {
    NodeMirrorStatus s =
        PlanJson.MAPPER.readValue(agent.get("/v1/status", true).body(), NodeMirrorStatus.class);
    return s.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void restartLoadsTheStoredPlanAndConvergesItWithoutAPut() throws Exception {
    Path state = tmp.resolve("state");
    try (AgentHarness first = AgentHarness.start(state, tmp)) {
      assertThat(first.put(Plans.json(Plans.full(8))).statusCode()).isEqualTo(202);
      await("first converge", () -> first.converger.calls() >= 1);
    }
    try (AgentHarness second = AgentHarness.start(state, tmp)) {
      await("converge after restart", () -> second.converger.calls() >= 1);
      assertThat(second.converger.plans().get(0)).isEqualTo(Plans.full(8));
      assertThat(
              PlanJson.MAPPER.readValue(second.get("/v1/plan", true).body(), NodeMirrorPlan.class))
          .isEqualTo(Plans.full(8));
      assertThat(condition(second, "PlanAccepted").reason()).isEqualTo("PlanLoadedFromDisk");
      // The stored generation still guards against stale pushes after the restart.
      assertThat(second.put(Plans.json(Plans.simple(7))).statusCode()).isEqualTo(409);
    }
  }

  @Test
  void corruptStoredPlanStartsWithoutAPlanAndTouchesNothing() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    Files.writeString(state.resolve(PlanStore.FILE), "{\"node\":\"pve1\",\"generation\":");
    try (AgentHarness agent = AgentHarness.start(state, tmp)) {
      agent.events.fire("tap101i0");
      Condition accepted = condition(agent, "PlanAccepted");
      assertThat(accepted.status()).isEqualTo("False");
      assertThat(accepted.reason()).isEqualTo("StoredPlanUnusable");
      assertThat(accepted.message()).contains(PlanStore.FILE);
      assertThat(agent.get("/v1/plan", true).statusCode()).isEqualTo(404);
      // Nothing converged, so nothing was flushed; a pushed plan then works as usual.
      assertThat(agent.converger.calls()).isZero();
      assertThat(agent.put(Plans.json(Plans.simple(1))).statusCode()).isEqualTo(202);
      await("converge", () -> agent.converger.calls() >= 1);
    }
  }

  @Test
  void storedPlanOfAnotherNodeIsNotApplied() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    new PlanStore(state).save(NodeMirrorPlan.of("pve9", 3, Plans.simple(1).mirrors(), null, null));
    try (AgentHarness agent = AgentHarness.start(state, tmp)) {
      assertThat(condition(agent, "PlanAccepted").message()).contains("node 'pve9'");
      assertThat(agent.converger.calls()).isZero();
    }
  }
}
