package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.pve.Migration;
import io.pvespan.inventory.Guest;
import io.pvespan.model.VmId;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The reconcile pipeline against real stand-in agents over HTTP on 127.0.0.1. */
class ControllerReconcileIT {

  @Test
  void firstPollPushesEveryNodeThenOnlyTheNodeWhosePlanChanged() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"), guest(102, "pve2", "running"))) {
      h.pollAndSettle();
      for (String n : Harness.NODES) {
        assertThat(h.agent(n).generationsPut()).as(n).containsExactly(1L);
        assertThat(h.snapshot(n).inSync()).as(n).isTrue();
      }

      // guest 103 starts on pve2: only pve2's plan content changes
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES,
              guest(101, "pve1", "running"),
              guest(102, "pve2", "running"),
              guest(103, "pve2", "running"));
      h.pollAndSettle();

      assertThat(h.agent("pve1").generationsPut()).containsExactly(1L);
      assertThat(h.agent("pve2").generationsPut()).containsExactly(1L, 2L);
      assertThat(h.agent("pve3").generationsPut()).containsExactly(1L);
      assertThat(h.agent("pve2").puts.get(1).mirrors()).hasSize(2);

      // the same inventory again: no re-plan, nothing pushed
      int calls = h.planner.calls.get();
      h.pollAndSettle();
      h.controller.retryPushes();
      h.io.awaitIdle();
      assertThat(h.planner.calls.get()).isEqualTo(calls);
      assertThat(h.agent("pve2").generationsPut()).containsExactly(1L, 2L);
    }
  }

  @Test
  void aHangingAgentDoesNotHoldUpTheOthers() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"), guest(102, "pve2", "running"))) {
      h.agent("pve1").mode = FakeAgent.Mode.HANG;
      h.controller.pollInventory();

      assertThat(h.agent("pve1").hangEntered.await(10, TimeUnit.SECONDS)).isTrue();
      // pve1's PUT is blocked inside the agent and cannot finish until released below;
      // pve2 and pve3 must still get theirs.
      awaitApplied(h, "pve2");
      awaitApplied(h, "pve3");
      assertThat(h.agent("pve1").puts).isEmpty();
      assertThat(h.snapshot("pve1").pushInFlight()).isTrue();
      assertThat(h.snapshot("pve1").inSync()).isFalse();

      // a status round while pve1 still hangs does not block either
      h.controller.collectStatus();
      h.agent("pve1").mode = FakeAgent.Mode.OK;
      h.agent("pve1").release();
      h.io.awaitIdle();
      assertThat(h.snapshot("pve1").inSync()).isTrue();
    }
  }

  @Test
  void aStaleGenerationIsAdoptedAboveTheAgentsAndPushedAgain() throws Exception {
    for (boolean bodyHasGeneration : new boolean[] {true, false}) {
      try (Harness h = new Harness(guest(101, "pve1", "running"))) {
        FakeAgent a = h.agent("pve1");
        a.conflictBodyHasGeneration = bodyHasGeneration;
        h.pollAndSettle(); // generation 1 applied
        // between the controller's status read and its next push, something else (a controller
        // from before, run by hand) left the agent at a higher generation
        a.appliedGeneration = 7;
        a.appliedDigest = "sha256:something-older";
        h.specs.set(Fakes.specs("web", 101, 104));
        h.inventory.inventory =
            Fakes.inventory(
                Harness.NODES, guest(101, "pve1", "running"), guest(104, "pve1", "running"));
        h.controller.checkSpecs();

        h.pollAndSettle();

        assertThat(a.generationsPut())
            .as("body has generation: " + bodyHasGeneration)
            .containsExactly(1L, 2L, 8L);
        assertThat(a.appliedGeneration).isEqualTo(8);
        assertThat(h.snapshot("pve1").desiredGeneration()).isEqualTo(8);
        assertThat(h.snapshot("pve1").inSync()).isTrue();
        assertThat(h.snapshot("pve1").lastError()).isNull();
      }
    }
  }

  @Test
  void anAgentHoldingTheSameContentUnderAHigherGenerationIsAdoptedWithoutAPush() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      // learn the content the controller will plan, give it to the agent under generation 5
      h.agent("pve1").mode = FakeAgent.Mode.FAIL_500;
      h.pollAndSettle();
      NodeMirrorPlan planned = h.agent("pve1").puts.get(0);
      h.agent("pve1").puts.clear();
      h.agent("pve1").mode = FakeAgent.Mode.OK;
      h.agent("pve1").appliedGeneration = 5;
      h.agent("pve1").appliedDigest = planned.digest();

      h.controller.collectStatus();
      h.io.awaitIdle();
      h.clock.advance(Duration.ofMinutes(5));
      h.controller.retryPushes();
      h.io.awaitIdle();

      assertThat(h.agent("pve1").puts).isEmpty();
      assertThat(h.snapshot("pve1").desiredGeneration()).isEqualTo(5);
      assertThat(h.snapshot("pve1").inSync()).isTrue();
    }
  }

  @Test
  void aStartingControllerReadsEachAgentFirstAndAdoptsThePlanItAlreadyHolds() throws Exception {
    NodeMirrorPlan planned;
    try (Harness before = new Harness(guest(101, "pve1", "running"))) {
      before.agent("pve1").mode = FakeAgent.Mode.FAIL_500;
      before.pollAndSettle();
      planned = before.agent("pve1").puts.get(0);
    }
    // a controller restarted (or a standby that just took the lead): the agent holds that content
    // under the generation the one before issued
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.agent("pve1").appliedGeneration = 41;
      h.agent("pve1").appliedDigest = planned.digest();

      h.pollAndSettle();

      assertThat(h.agent("pve1").statusReads.get()).isPositive();
      assertThat(h.agent("pve1").puts).isEmpty();
      assertThat(h.snapshot("pve1").desiredGeneration()).isEqualTo(41);
      assertThat(h.snapshot("pve1").inSync()).isTrue();
      // the nodes whose agents hold nothing get their plans as before
      assertThat(h.agent("pve2").puts).hasSize(1);
    }
  }

  @Test
  void failedPushesBackOffByTheClockThenSucceed() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.agent("pve1").mode = FakeAgent.Mode.FAIL_500;
      h.pollAndSettle();
      assertThat(h.agent("pve1").puts).hasSize(1);
      assertThat(h.snapshot("pve1").lastError()).contains("HTTP 500").contains("kernel said no");
      assertThat(h.snapshot("pve1").reachable()).isTrue();

      h.controller.retryPushes(); // no time has passed: still backing off
      h.io.awaitIdle();
      assertThat(h.agent("pve1").puts).hasSize(1);

      h.clock.advance(Duration.ofSeconds(1)); // first backoff: 1 s
      h.controller.retryPushes();
      h.io.awaitIdle();
      assertThat(h.agent("pve1").puts).hasSize(2);

      h.clock.advance(Duration.ofSeconds(1)); // second backoff is 2 s: not yet
      h.controller.retryPushes();
      h.io.awaitIdle();
      assertThat(h.agent("pve1").puts).hasSize(2);

      h.agent("pve1").mode = FakeAgent.Mode.OK;
      h.clock.advance(Duration.ofSeconds(1));
      h.controller.retryPushes();
      h.io.awaitIdle();
      assertThat(h.agent("pve1").puts).hasSize(3);
      assertThat(h.snapshot("pve1").inSync()).isTrue();
      assertThat(h.snapshot("pve1").pushFailures()).isEqualTo(2);
      assertThat(h.snapshot("pve1").pushes()).isEqualTo(1);
      assertThat(h.snapshot("pve1").lastError()).isNull();
    }
  }

  @Test
  void brokenSpecsKeepTheLastGoodPlanAndSurfaceTheErrors() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      List<NodeMirrorPlan> before = h.controller.snapshot().plans();

      h.specs.broken("sensorRef 'nope' names no Sensor");
      h.controller.checkSpecs();
      h.io.awaitIdle();

      var s = h.controller.snapshot();
      assertThat(s.specErrors())
          .containsExactly("specs/bad.yaml:3:5: sensorRef 'nope' names no Sensor");
      assertThat(s.plans()).isEqualTo(before);
      assertThat(s.specs().sessions()).extracting(x -> x.name()).containsExactly("web");
      for (String n : Harness.NODES) {
        assertThat(h.agent(n).puts).as(n).hasSize(1);
      }
      // the broken content is loaded once, not on every check
      int loads = h.specs.loads.get();
      h.controller.checkSpecs();
      h.controller.requestReconcile();
      assertThat(h.specs.loads.get()).isEqualTo(loads);

      // fixed: a session now selecting another guest goes out
      h.specs.set(Fakes.specs("web", 101, 104));
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES, guest(101, "pve1", "running"), guest(104, "pve1", "running"));
      h.controller.checkSpecs();
      h.pollAndSettle();
      assertThat(h.controller.snapshot().specErrors()).isEmpty();
      assertThat(h.agent("pve1").generationsPut()).containsExactly(1L, 2L);
    }
  }

  @Test
  void theInventoryIsToldTheGuestsOfInterestBeforeTheFirstPollAndOnEveryValidSpecChange()
      throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"), guest(104, "pve1", "running"))) {
      h.pollAndSettle();
      // specs "web": session on 101, 102, 103; sensor VM 999
      Predicate<Guest> first = h.inventory.interestAtFirstPoll;
      assertThat(first).isNotNull();
      assertThat(interesting(first)).containsExactly(101, 102, 103, 999);

      h.specs.broken("sensorRef 'nope' names no Sensor");
      h.controller.checkSpecs();
      h.io.awaitIdle();
      assertThat(h.inventory.interest).isSameAs(first);

      h.specs.set(Fakes.specs("web", 104));
      h.controller.checkSpecs();
      h.io.awaitIdle();
      assertThat(interesting(h.inventory.interest)).containsExactly(104, 999);
    }
  }

  private static List<Integer> interesting(Predicate<Guest> interest) {
    return IntStream.of(100, 101, 102, 103, 104, 999)
        .filter(id -> interest.test(guest(id, "pve2", "stopped")))
        .boxed()
        .toList();
  }

  @Test
  void plannerErrorsKeepThePlansInForce() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      List<NodeMirrorPlan> before = h.controller.snapshot().plans();
      h.planner.errors = List.of("sensor ids: vmid 999 is not in the cluster");
      h.inventory.inventory = Fakes.inventory(Harness.NODES, guest(101, "pve2", "running"));
      h.pollAndSettle();

      var s = h.controller.snapshot();
      assertThat(s.plannerErrors()).containsExactly("sensor ids: vmid 999 is not in the cluster");
      assertThat(s.plans()).isEqualTo(before);
      for (String n : Harness.NODES) {
        assertThat(h.agent(n).puts).as(n).hasSize(1);
      }
    }
  }

  @Test
  void aMigrationSeenInAPollReplansAtOnce() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      int calls = h.planner.calls.get();

      // in progress: same inventory, but the poll reports the migration: re-plan now
      h.inventory.migrations = List.of(new Migration(new VmId(101), "pve1", null));
      h.pollAndSettle();
      assertThat(h.planner.calls.get()).isEqualTo(calls + 1);

      // done: the guest is on pve3; both nodes get new plans from this one poll
      h.inventory.migrations = List.of(new Migration(new VmId(101), "pve1", "pve3"));
      h.inventory.inventory = Fakes.inventory(Harness.NODES, guest(101, "pve3", "running"));
      h.pollAndSettle();
      assertThat(h.agent("pve1").puts).hasSize(2);
      assertThat(h.agent("pve1").puts.get(1).mirrors()).isEmpty();
      assertThat(h.agent("pve3").puts).hasSize(2);
      assertThat(h.agent("pve3").puts.get(1).mirrors())
          .extracting(m -> m.device().value())
          .containsExactly("tap101i0");
      assertThat(h.agent("pve2").puts).hasSize(1);
    }
  }

  @Test
  void anAgentThatLostItsPlanGetsItAgainFromTheStatusRound() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      h.agent("pve2").appliedGeneration = 0; // agent state directory wiped
      h.agent("pve2").appliedDigest = null;

      h.controller.collectStatus();
      h.io.awaitIdle();

      assertThat(h.agent("pve2").generationsPut()).containsExactly(1L, 1L);
      assertThat(h.agent("pve1").puts).hasSize(1);
      assertThat(h.snapshot("pve2").inSync()).isTrue();
    }
  }

  @Test
  void aNodeThatLeavesTheClusterLeavesThePlansAndTheNodeList() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      h.inventory.inventory =
          Fakes.inventory(List.of("pve1", "pve2"), guest(101, "pve1", "running"));
      h.pollAndSettle();
      h.controller.collectStatus();
      h.io.awaitIdle();
      var s = h.controller.snapshot();
      assertThat(s.plans()).extracting(NodeMirrorPlan::node).containsExactly("pve1", "pve2");
      assertThat(s.agents()).extracting(AgentSnapshot::node).containsExactly("pve1", "pve2");
      assertThat(h.agent("pve3").puts).hasSize(1);
    }
  }

  @Test
  void pollFailuresAreCountedAndKeepTheLastInventory() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      h.inventory.failure = "https://pve1:8006: connection refused";
      h.pollAndSettle();
      var s = h.controller.snapshot();
      assertThat(s.polls()).isEqualTo(1);
      assertThat(s.pollFailures()).isEqualTo(1);
      assertThat(s.lastPollError()).isEqualTo("https://pve1:8006: connection refused");
      assertThat(s.inventory().guests()).hasSize(1);
    }
  }

  private static void awaitApplied(Harness h, String node) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!h.snapshot(node).inSync()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(node + " did not get its plan while another agent hung");
      }
      Thread.sleep(5);
    }
  }
}
