package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.lab.Await;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Our real alert rules in a real Prometheus scraping the lab: all targets up, no alert while the
 * system runs, then one agent killed fires {@code PvespanAgentDown} for that agent after its {@code
 * for: 1m} (the real rules file, unshortened), and the controller's view fires {@code
 * PvespanAgentUnreachableFromController} for that node. The dashboard's queries are valid PromQL
 * against the same data.
 */
class AgentDownAlertE2E {
  private static final Path HOME = Path.of(System.getProperty("pvespan.home", ".."));
  private static final Duration FOR = Duration.ofMinutes(1);

  @Test
  void stoppingAnAgentFiresAgentDownWithinItsForWindow() throws Exception {
    try (LabSystem sys = new LabSystem()) {
      LabPrometheus prom =
          LabPrometheus.start(
              sys, HOME.resolve("deploy/prometheus/pvespan.rules.yml"), sys.work.resolve("prom"));
      int nodes = sys.lab.topology().nodes().size();
      Await.orFail(
          Duration.ofSeconds(60),
          () -> prom.targets() == nodes + 1 && prom.targetsNotUp().isEmpty(),
          () -> "targets not up: " + prom.targetsNotUp());
      Await.orFail(
          Duration.ofSeconds(60),
          () -> prom.query("pvespan_controller_session_ready == 1").size() > 0,
          () -> "no session ready: " + prom.query("pvespan_controller_session_ready"));
      assertThat(prom.query("pvespan_build_info").size()).isEqualTo(nodes + 1);
      dashboardQueriesAreValid(prom);

      LabNode victim = sys.lab.topology().nodes().get(0);
      String instance = victim.address() + ":" + LabCluster.AGENT_PORT;
      assertThat(prom.alertState("PvespanAgentDown", "instance", instance)).isNull();

      long killed = System.nanoTime();
      sys.cluster.killAgent(victim.name());
      Duration pending =
          Await.timed(
              Duration.ofSeconds(15),
              () -> "pending".equals(prom.alertState("PvespanAgentDown", "instance", instance)));
      assertThat(pending).as("PvespanAgentDown pending within 15 s of the kill").isNotNull();
      Duration firing =
          Await.timed(
              FOR.plusSeconds(30),
              () -> "firing".equals(prom.alertState("PvespanAgentDown", "instance", instance)));
      Duration fired = Duration.ofNanos(System.nanoTime() - killed);
      System.out.println(
          "[e2e] PvespanAgentDown for "
              + instance
              + ": pending after "
              + pending.toMillis()
              + " ms, firing "
              + fired.toMillis()
              + " ms after the kill");
      assertThat(firing).as("PvespanAgentDown firing").isNotNull();
      // Not before its for: (Prometheus waits the whole minute), and within it plus a few
      // scrape and evaluation intervals.
      assertThat(fired).isBetween(FOR, FOR.plusSeconds(15));
      Await.orFail(
          Duration.ofSeconds(30),
          () ->
              "firing"
                  .equals(
                      prom.alertState(
                          "PvespanAgentUnreachableFromController", "node", victim.name())),
          () -> "controller's view: " + prom.query("pvespan_controller_node_reachable"));
      // The other agents are fine.
      for (LabNode other : sys.lab.topology().nodes().subList(1, nodes)) {
        assertThat(
                prom.alertState(
                    "PvespanAgentDown", "instance", other.address() + ":" + LabCluster.AGENT_PORT))
            .isNull();
      }
    }
  }

  /** Every panel query of the dashboard, with its variables filled in, is accepted. */
  private static void dashboardQueriesAreValid(LabPrometheus prom) throws Exception {
    JsonNode dash =
        new ObjectMapper()
            .readTree(Files.readString(HOME.resolve("deploy/grafana/pvespan-dashboard.json")));
    int queries = 0;
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", "1m")
                .replace("$agent_job", "pvespan-agent")
                .replace("$controller_job", "pvespan-controller");
        prom.query(expr); // fails unless Prometheus accepts it
        queries++;
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(10);
    assertThat(prom.query("sum by (session) (pvespan_agent_mirrored_bytes_total)").size())
        .isPositive();
  }
}
