package io.pvespan.controller;

import static io.pvespan.controller.PveFaultsIT.await;
import static io.pvespan.controller.PveFaultsIT.get;
import static io.pvespan.controller.PveFaultsIT.metrics;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.config.ConfigLoader;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.NodeMirrorPlan;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent unreachable (its port closed: connection refused) while its plan changes, then back: the
 * real daemon marks the node unreachable in its views and metrics, retries the push with a growing
 * backoff (not once a second), and pushes the newest plan by itself when the agent answers again.
 * The agent keeps the plan it had meanwhile (a real agent keeps converging it without the
 * controller: AgentReconcilerTest, AgentRestartIT).
 */
class AgentUnreachableIT {
  @TempDir Path dir;

  private record Attempt(Instant at, Instant retryAt) {}

  @Test
  void anUnreachableAgentIsMarkedRetriedWithBackoffAndGetsTheNewestPlanWhenBack() throws Exception {
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(PveFaultsIT.cluster(), StandInToken.parse(PveFaultsIT.TOKEN))
                .start();
        FakeAgent agent = new FakeAgent("pve1");
        ControllerDaemon d =
            ControllerDaemon.start(
                ConfigLoader.load(config(standIn.url(), agent.url())),
                InventorySourceFactory.production())) {
      await("the first plan is applied", () -> active(agent) == 1 && inSync(d));
      long applied = agent.appliedGeneration;

      agent.down();
      standIn.setStatus(VmId.of(102), "running"); // the plan changes while the agent is away
      long downAt = System.nanoTime();
      List<Attempt> attempts = new ArrayList<>();
      Instant seen = null;
      while (attempts.size() < 4) {
        AgentSnapshot a = node(d);
        if (a.nextAttempt() != null && !a.nextAttempt().equals(seen)) {
          seen = a.nextAttempt();
          attempts.add(new Attempt(d.controller().snapshot().now(), seen));
        }
        assertThat(System.nanoTime() - downAt)
            .as("four failed attempts within 40 s: %s", attempts)
            .isLessThan(Duration.ofSeconds(40).toNanos());
        Thread.sleep(20);
      }
      long attemptsIn = (System.nanoTime() - downAt) / 1_000_000L;
      AgentSnapshot during = node(d);
      assertThat(during.reachable()).isFalse();
      assertThat(during.lastError()).contains("127.0.0.1");
      assertThat(metrics(d)).contains("pvespan_controller_node_reachable{node=\"pve1\"} 0.0");
      assertThat(get(d, "/v1/nodes")).contains("AgentUnreachable");
      assertThat(agent.appliedGeneration).as("the agent kept its plan").isEqualTo(applied);
      List<Duration> waits =
          attempts.stream().map(t -> Duration.between(t.at(), t.retryAt())).toList();
      // PushBackoff.DEFAULT: 1 s, 2 s, 4 s, 8 s ... each +-25 % (probes capped at 10 s); without
      // it, a status read every statusInterval (1 s here).
      assertThat(waits.get(3)).as("waits %s", waits).isGreaterThan(waits.get(0).multipliedBy(3));
      assertThat(waits.get(0)).isBetween(Duration.ofMillis(600), Duration.ofMillis(1300));
      assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(10)));

      long upAt = System.nanoTime();
      agent.up();
      await("the newest plan reaches the agent once it is back", () -> active(agent) == 2);
      await("the node is in sync and reachable", () -> inSync(d) && node(d).reachable());
      long msToRecover = (System.nanoTime() - upAt) / 1_000_000L;
      assertThat(metrics(d)).contains("pvespan_controller_node_reachable{node=\"pve1\"} 1.0");
      assertThat(agent.puts).allSatisfy(p -> assertThat(p.mirrors()).isNotEmpty());
      System.out.printf(
          "AgentUnreachableIT: 4 attempts in %d ms, waits %s; the newest plan applied %d ms after"
              + " the agent came back%n",
          attemptsIn, waits, msToRecover);
    }
  }

  @Test
  void anAgentInSyncThatStopsAnsweringIsProbedWithBackoffAndStaysMarked() throws Exception {
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(PveFaultsIT.cluster(), StandInToken.parse(PveFaultsIT.TOKEN))
                .start();
        FakeAgent agent = new FakeAgent("pve1");
        ControllerDaemon d =
            ControllerDaemon.start(
                ConfigLoader.load(config(standIn.url(), agent.url())),
                InventorySourceFactory.production())) {
      await("the first plan is applied", () -> active(agent) == 1 && inSync(d));
      int readsBefore = agent.statusReads.get();
      agent.down(); // nothing changes in the plan: the node stays "in sync" with what it held
      long downAt = System.nanoTime();
      List<Attempt> attempts = new ArrayList<>();
      Instant seen = null;
      while (attempts.size() < 4) {
        AgentSnapshot a = node(d);
        if (a.nextAttempt() != null && !a.nextAttempt().equals(seen)) {
          seen = a.nextAttempt();
          attempts.add(new Attempt(d.controller().snapshot().now(), seen));
        }
        if (!attempts.isEmpty()) {
          assertThat(a.reachable()).as("stays marked unreachable").isFalse();
          assertThat(a.lastError()).as("the reason stays").isNotNull();
        }
        assertThat(System.nanoTime() - downAt)
            .as("four probes within 40 s: %s", attempts)
            .isLessThan(Duration.ofSeconds(40).toNanos());
        Thread.sleep(20);
      }
      List<Duration> waits =
          attempts.stream().map(t -> Duration.between(t.at(), t.retryAt())).toList();
      assertThat(waits.get(3)).as("waits %s", waits).isGreaterThan(waits.get(0).multipliedBy(3));
      agent.up();
      await("reachable again", () -> Boolean.TRUE.equals(node(d).reachable()) && inSync(d));
      assertThat(agent.statusReads.get()).isGreaterThan(readsBefore);
      System.out.printf("AgentUnreachableIT (in sync): probe waits %s%n", waits);
    }
  }

  private static AgentSnapshot node(ControllerDaemon d) {
    return d.controller().snapshot().agents().stream()
        .filter(a -> a.node().equals("pve1"))
        .findFirst()
        .orElseThrow();
  }

  private static boolean inSync(ControllerDaemon d) {
    var agents = d.controller().snapshot().agents();
    return !agents.isEmpty() && agents.get(0).inSync();
  }

  private static int active(FakeAgent agent) {
    List<NodeMirrorPlan> puts = agent.puts;
    return puts.isEmpty()
        ? -1
        : (int)
            puts.get(puts.size() - 1).mirrors().stream()
                .filter(m -> m.state() == EntryState.ACTIVE)
                .count();
  }

  private Path config(URI pveUrl, URI agentUrl) throws Exception {
    Path specs = Files.createDirectories(dir.resolve("specs"));
    Files.writeString(
        specs.resolve("web.yaml"),
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: ids}
        spec:
          vm: {vmid: 999, nic: net0}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec:
          sources: {vmids: [101, 102]}
          direction: both
          sensorRef: ids
        """);
    for (String[] s :
        new String[][] {{"agent-token", FakeAgent.TOKEN}, {"pve-token", PveFaultsIT.TOKEN}}) {
      Path p = dir.resolve(s[0]);
      Files.writeString(p, s[1] + "\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        """
        pve: {url: "%s", tokenFile: pve-token}
        specs: {path: specs}
        pollInterval: 1s
        statusInterval: 1s
        listen: 127.0.0.1:0
        agents:
          scheme: http
          insecureLabHttp: true
          tokenFile: agent-token
          urls: {pve1: "%s"}
        """
            .formatted(pveUrl, agentUrl));
    return f;
  }
}
