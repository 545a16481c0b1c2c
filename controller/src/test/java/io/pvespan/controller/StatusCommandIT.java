package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.cli.StatusCommand;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.Condition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./pvespan status} against a real controller API on 127.0.0.1. */
class StatusCommandIT {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int status(String... args) {
    return new StatusCommand()
        .run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void tablesOfSessionsNodesAndProblems() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"), guest(102, "pve2", "running"));
        ApiServer api =
            ApiServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                h.controller::snapshot)) {
      h.agent("pve3").mode = FakeAgent.Mode.FAIL_500;
      h.pollAndSettle();
      h.inventory.failure = "https://pve1:8006: connection refused";
      h.controller.pollInventory();
      h.specs.broken("spec.direction: 'sideways' is not both, ingress or egress");
      h.controller.checkSpecs();

      int code = status("--controller", "http://127.0.0.1:" + api.port());

      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              "pvespan status: not ready: session web (Degraded: SpecsInvalid), node pve1"
                  + " (NoReadyCondition), node pve2 (NoReadyCondition), node pve3 (NoReadyCondition), 1 spec"
                  + " error, inventory (https://pve1:8006: connection refused)\n");
      assertThat(text)
          .contains("SESSIONS\nNAME  SENSOR  SOURCES  DEVICES  BYTES  STATE\n")
          .contains("web   ids     2        2        0      Ready, Degraded: SpecsInvalid\n")
          .contains("NODES\nNODE  AGENT")
          .containsPattern(
              "pve1 +http://127.0.0.1:\\d+/ +yes +unknown: NoReadyCondition +1 +1 +0 +-\n")
          .containsPattern(
              "pve3 +http://127.0.0.1:\\d+/ +yes +unknown: NoReadyCondition +0 \\(behind\\) +1 +0 +push of generation 1 failed: HTTP 500: kernel said no; tc: exit 2\n")
          .contains(
              "  error: spec: specs/bad.yaml:3:5: spec.direction: 'sideways' is not both, ingress or egress\n")
          .contains("  error: inventory: https://pve1:8006: connection refused\n")
          .contains("(the last good plans stay in force until this is fixed)");
    }
  }

  @Test
  void anAgentWhoseKernelProbeFailedShowsNotReadyWithItsReason() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"));
        ApiServer api =
            ApiServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                h.controller::snapshot)) {
      h.pollAndSettle();
      h.agent("pve2").conditions =
          List.of(
              new Condition(
                  "Ready", "False", "KernelProbeFailed", "tc qdisc: exit 2: no clsact", null, 1));
      h.agent("pve1").conditions =
          List.of(new Condition("Ready", "True", "AgentReady", "the kernel matches", null, 1));
      h.controller.collectStatus();
      h.io.awaitIdle();

      int code = status("--controller", "http://127.0.0.1:" + api.port());

      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("node pve2 (KernelProbeFailed)", "node pve3 (NoReadyCondition)")
          .doesNotContain("pve1");
      assertThat(text)
          .containsPattern("pve1 +http://127.0.0.1:\\d+/ +yes +yes +1 +1 +0 +-\n")
          .containsPattern("pve2 +http://127.0.0.1:\\d+/ +yes +NO: KernelProbeFailed +1 +1 +0 +-\n")
          .containsPattern("pve3 +http://127.0.0.1:\\d+/ +yes +unknown: NoReadyCondition ")
          .contains(
              "  error: node pve2: not ready: KernelProbeFailed: tc qdisc: exit 2: no clsact\n");

      out.reset();
      // JSON for automation: the same exit code as the tables.
      assertThat(status("--controller", "http://127.0.0.1:" + api.port(), "--output", "json"))
          .isEqualTo(3);
      var json = PlanJson.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
      var pve2 = json.get("nodes").get(1);
      assertThat(pve2.get("node").asText()).isEqualTo("pve2");
      assertThat(pve2.get("ready").get("status").asText()).isEqualTo("False");
      assertThat(pve2.get("ready").get("reason").asText()).isEqualTo("KernelProbeFailed");
      assertThat(pve2.get("ready").get("message").asText())
          .isEqualTo("tc qdisc: exit 2: no clsact");
    }
  }

  @Test
  void jsonForAutomation() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"));
        ApiServer api =
            ApiServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                h.controller::snapshot)) {
      h.pollAndSettle();
      for (String node : List.of("pve1", "pve2", "pve3")) {
        h.agent(node).conditions =
            List.of(new Condition("Ready", "True", "AgentReady", "the kernel matches", null, 1));
      }
      h.controller.collectStatus();
      h.io.awaitIdle();
      // Everything ready: exit 0, nothing on stderr.
      assertThat(status("--controller", "http://127.0.0.1:" + api.port(), "--output", "json"))
          .as(err.toString(StandardCharsets.UTF_8))
          .isZero();
      assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
      var json = PlanJson.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
      assertThat(json.get("sessions").get(0).get("name").asText()).isEqualTo("web");
      assertThat(json.get("nodes")).hasSize(3);
      assertThat(json.get("plans").get("plans")).hasSize(3);
    }
  }

  @Test
  void anUnreachableControllerIsOneLineAndExit1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(status("--controller", "http://127.0.0.1:" + port)).isEqualTo(1);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e)
        .startsWith("pvespan status: cannot reach the controller at http://127.0.0.1:" + port);
    assertThat(e.lines()).hasSize(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void usageErrors() {
    assertThat(status("--output", "yaml")).isEqualTo(2);
    assertThat(status("--controller", "not a url")).isEqualTo(2);
  }
}
