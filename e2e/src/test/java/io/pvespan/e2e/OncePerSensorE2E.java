package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.Iperf;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.LabCollector;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.SensorCapture;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each packet once per sensor, in the lab with the example specs and the guests' configured MACs:
 * guests 101 and 102 (pve1) and 103 (pve2) talk to each other while tcpdump records what sensor
 * ids-1 (vm 200 on pve1), ids-2 and the external collector receive. Every IPv4 frame must be there
 * once; with {@code duplicates: allow} on the session that selects both ends, copies come twice
 * again (the measurement the issue started from: 597 frames, 457 distinct).
 */
class OncePerSensorE2E {
  private static final long BYTES = 1_000_000;
  private LabSystem s;

  @BeforeEach
  void up() throws Exception {
    s = new LabSystem(LabSystem.Setup.withExamples());
  }

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void theExampleSpecsDeliverEveryPacketOncePerSensorAndAllowBringsTheCopiesBack()
      throws Exception {
    LabPlan plan = s.plan();
    plan.result().notes().forEach(n -> System.out.println("[e2e] note: " + n));
    plan.result().warnings().forEach(w -> System.out.println("[e2e] warning: " + w));
    assertThat(plan.result().notes())
        .as("the plan explains its suppressions")
        .anyMatch(n -> n.startsWith("session web-local: vm 101 net0 (tap101i0), what it receives"));
    List<LabCollector> collectors = LabCollector.forPlan(s.lab, plan);
    awaitApplied(plan);

    List<SensorCapture.Copies> once = talk("once", collectors);
    for (SensorCapture.Copies c : once) {
      System.out.println("[e2e] duplicates suppressed: " + c);
      assertThat(c.distinct()).as(c.toString()).isEqualTo(c.frames());
    }
    assertThat(once.get(0).frames()).as("frames at ids-1").isPositive();

    // duplicates: allow on the session with both ends: the old behaviour, copies twice.
    Path webLocal = s.specs.dir().resolve("local-sensor.yaml");
    s.specs.write("local-sensor.yaml", Files.readString(webLocal) + "  duplicates: allow\n");
    Await.orFail(
        Duration.ofSeconds(30),
        () -> s.plan().result().notes().stream().noneMatch(n -> n.startsWith("session web-local")),
        () -> "the plan still suppresses web-local's copies");
    LabPlan allowed = s.plan();
    awaitApplied(allowed);
    List<SensorCapture.Copies> twice = talk("allow", collectors);
    twice.forEach(c -> System.out.println("[e2e] duplicates allowed: " + c));
    assertThat(twice.get(0).distinct())
        .as("ids-1 with duplicates allowed")
        .isLessThan(twice.get(0).frames());
  }

  /**
   * Waits until every node's kernel holds the plan's mirrors (exclusions included) and every agent
   * reports each entry active (none waiting for a quiet device).
   */
  private void awaitApplied(LabPlan plan) {
    Await.orFail(
        Duration.ofSeconds(60),
        () -> KernelChecks.missing(s.lab, plan.activeMirrors()).isEmpty(),
        () -> "mirrors missing: " + KernelChecks.missing(s.lab, plan.activeMirrors()));
    // The agents report the plan's digest: the exclusions (inside the filters) are in place.
    Await.orFail(
        Duration.ofSeconds(30),
        () ->
            plan.result().plans().stream()
                .allMatch(
                    p ->
                        s.cluster
                            .agentStatus(p.node())
                            .body()
                            .contains("\"appliedDigest\":\"" + p.digest() + "\"")),
        () -> "the agents have not applied the plan's digests yet");
    Await.orFail(
        Duration.ofSeconds(30),
        () -> plan.result().plans().stream().allMatch(p -> settled(p.node())),
        () -> "entries of present devices still waiting, or failed");
  }

  /**
   * No entry of {@code node} failed, and none waits but for a device that is not there (a stopped
   * guest's entries wait for its tap for good).
   */
  private boolean settled(String node) {
    try {
      NodeMirrorStatus status =
          PlanJson.MAPPER.readValue(s.cluster.agentStatus(node).body(), NodeMirrorStatus.class);
      return status.entries().stream()
          .noneMatch(
              e ->
                  "failed".equals(e.state())
                      || ("waiting".equals(e.state())
                          && (e.message() == null || !e.message().contains("absent"))));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /** 101 -> 102 (same node), 101 -> 103 and 103 -> 102 (across nodes), captured everywhere. */
  private List<SensorCapture.Copies> talk(String phase, List<LabCollector> collectors) {
    Path dir = s.work.resolve("captures-" + phase);
    List<SensorCapture> captures = new ArrayList<>();
    captures.add(
        SensorCapture.start(s.lab, s.lab.topology().vmNs(200), "eth1", "ids-1 " + phase, dir));
    for (LabCollector c : collectors) {
      captures.add(SensorCapture.start(s.lab, c.ns(), c.device(), "collector " + phase, dir));
    }
    try {
      Iperf.transfer(s.lab, 101, 102, BYTES);
      Iperf.transfer(s.lab, 101, 103, BYTES);
      Iperf.transfer(s.lab, 103, 102, BYTES);
    } finally {
      captures.forEach(SensorCapture::halt);
    }
    return captures.stream().map(SensorCapture::ipv4Copies).toList();
  }
}
