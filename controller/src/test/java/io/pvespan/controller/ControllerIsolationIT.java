package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.AgentException;
import io.pvespan.controller.agents.PushOutcome;
import io.pvespan.controller.state.Generations;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An agent answering with any generation, or a client call that throws, hurts only its own node:
 * the others keep receiving new plans after spec and inventory changes (before the rebuild, an
 * agent's 409 with {@code Long.MAX_VALUE} overflowed the renumbering, killed the reconcile and
 * froze every node).
 */
class ControllerIsolationIT {

  /** Calls to the agent on port {@code port[0]} throw, as a client bug would. */
  static AgentClient throwingFor(String[] port, AgentClient real) {
    return new AgentClient() {
      @Override
      public PushOutcome push(URI agent, NodeMirrorPlan plan) {
        if (agent.getPort() == Integer.parseInt(port[0])) {
          throw new IllegalStateException("client bug: cannot push");
        }
        return real.push(agent, plan);
      }

      @Override
      public NodeMirrorStatus status(URI agent, String node) throws AgentException {
        if (agent.getPort() == Integer.parseInt(port[0])) {
          throw new IllegalStateException("client bug: cannot read status");
        }
        return real.status(agent, node);
      }
    };
  }

  @Test
  void anAgentAtLongMaxValueAndAThrowingClientHurtOnlyTheirOwnNodes() throws Exception {
    String[] pve3Port = new String[1];
    try (Harness h =
        new Harness(
            real -> throwingFor(pve3Port, real),
            guest(101, "pve1", "running"),
            guest(102, "pve2", "running"),
            guest(103, "pve3", "running"))) {
      pve3Port[0] = String.valueOf(h.agent("pve3").url().getPort());
      FakeAgent broken = h.agent("pve2");
      broken.appliedGeneration = Long.MAX_VALUE; // answers every PUT with 409 and MAX_VALUE
      broken.appliedDigest = "sha256:from-a-corrupt-state-file";

      h.pollAndSettle();
      assertThat(h.agent("pve1").generationsPut()).containsExactly(1L);
      // its status is read before any push: never pushed, never MAX_VALUE + 1
      assertThat(broken.generationsPut()).isEmpty();
      assertThat(h.snapshot("pve2").lastError())
          .contains("claims generation " + Long.MAX_VALUE)
          .contains("not adopted");
      assertThat(h.snapshot("pve2").inSync()).isFalse();
      assertThat(h.snapshot("pve3").lastError()).contains("client bug: cannot read status");
      assertThat(h.snapshot("pve3").inSync()).isFalse();

      // a spec change, then status rounds and retries long after the backoffs: pve1 keeps going
      h.specs.set(Fakes.specs("web", 101, 102, 103, 104));
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES,
              guest(101, "pve1", "running"),
              guest(104, "pve1", "running"),
              guest(102, "pve2", "running"),
              guest(103, "pve3", "running"));
      h.controller.checkSpecs();
      h.pollAndSettle();
      assertThat(h.agent("pve1").generationsPut()).containsExactly(1L, 2L);
      assertThat(h.agent("pve1").puts.get(1).mirrors()).hasSize(2);

      for (int round = 0; round < 3; round++) {
        h.clock.advance(Duration.ofMinutes(2));
        h.controller.retryPushes();
        h.controller.collectStatus();
        h.io.awaitIdle();
      }
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES,
              guest(104, "pve1", "running"),
              guest(102, "pve2", "running"),
              guest(103, "pve3", "running"));
      h.pollAndSettle();
      assertThat(h.agent("pve1").generationsPut()).containsExactly(1L, 2L, 3L);
      assertThat(h.snapshot("pve1").inSync()).isTrue();

      // the broken agent stays reported (retried with backoff); nothing wrapped
      assertThat(broken.generationsPut()).isEmpty(); // not pushed while it claims MAX
      assertThat(h.snapshot("pve2").desiredGeneration()).isLessThan(Generations.MAX_ADOPT_STEP);
      assertThat(h.snapshot("pve2").lastError()).contains("not adopted");
      assertThat(h.snapshot("pve3").lastError()).contains("client bug");

      // once the operator resets the broken agent, its node converges like any other
      broken.appliedGeneration = 0;
      broken.appliedDigest = null;
      h.clock.advance(Duration.ofMinutes(2));
      h.controller.collectStatus();
      h.io.awaitIdle();
      assertThat(h.snapshot("pve2").inSync()).isTrue();
      assertThat(h.snapshot("pve2").lastError()).isNull();
    }
  }
}
