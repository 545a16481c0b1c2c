package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.lab.Await;
import io.pvespan.lab.Exec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proof of coverage with the real processes (docs/canaries.md): agents sending canaries every
 * {@link #INTERVAL}, the controller joining them, a real Prometheus with our real rules. Session
 * {@code local-web} (vm 101 on pve1, sensor vm 200 on pve1) and {@code cross-proxy} (ct 103 on
 * pve2, through VXLAN to pve1) are "path verified"; then (b) the tunnel from pve2 is blocked (a
 * blackhole route of the test's own for pve1's underlay address in pve2's namespace: pvespan's
 * filters untouched) and (a) the sensor VM is stopped the way Proxmox stops it (its taps go). Each
 * broken path shows "path not verified" within 2 intervals of the break, {@code
 * PvespanMirrorPathNotVerified} fires for it (after its {@code for: 30s}), the unbroken path stays
 * verified, and restoring the path verifies it again.
 */
class PathVerificationE2E {
  private static final Path HOME = Path.of(System.getProperty("pvespan.home", ".."));
  static final Duration INTERVAL = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALERT = "PvespanMirrorPathNotVerified";

  @Test
  void aBrokenPathIsNotVerifiedWithinTwoIntervalsAndTheAlertFires() throws Exception {
    try (LabSystem sys = new LabSystem(LabSystem.Setup.standard().withCanaries(INTERVAL))) {
      LabPrometheus prom =
          LabPrometheus.start(
              sys, HOME.resolve("deploy/prometheus/pvespan.rules.yml"), sys.work.resolve("prom"));
      awaitVerified(sys, "local-web", "pve1", Duration.ofSeconds(90));
      awaitVerified(sys, "cross-proxy", "pve2", Duration.ofSeconds(60));
      Await.orFail(
          Duration.ofSeconds(30),
          () -> prom.query("pvespan_controller_path_verified == 1").size() == 2,
          () -> "metrics: " + prom.query("pvespan_controller_path_verified"));
      // Pending at most from the start (before the first canary), never firing.
      Await.orFail(
          Duration.ofSeconds(10),
          () ->
              prom.alertState(ALERT, "session", "cross-proxy") == null
                  && prom.alertState(ALERT, "session", "local-web") == null,
          () -> "alerts: " + prom.api("alerts"));

      // (b) The tunnel from pve2 to pve1 blocked.
      String pve2 = sys.lab.topology().nodeNs("pve2");
      String pve1Address = sys.lab.topology().node("pve1").address() + "/32";
      Exec.run(Exec.IP, "-n", pve2, "route", "add", "blackhole", pve1Address);
      Duration broken = awaitNotVerified(sys, "cross-proxy", "pve2");
      report("tunnel blocked", "cross-proxy", broken);
      assertThat(broken).as("cross-proxy not verified after the block").isNotNull();
      assertThat(broken).isLessThanOrEqualTo(INTERVAL.multipliedBy(2));
      assertThat(path(sys, "local-web", "pve1").path("verified").asBoolean())
          .as("the local path does not use the tunnel")
          .isTrue();
      awaitFiring(prom, "cross-proxy");
      assertThat(prom.alertState(ALERT, "session", "local-web")).isNull();
      Exec.run(Exec.IP, "-n", pve2, "route", "del", "blackhole", pve1Address);
      awaitVerified(sys, "cross-proxy", "pve2", INTERVAL.multipliedBy(3));

      // (a) The sensor's tap removed: Proxmox stops the sensor VM.
      assertThat(sys.lifecycle.stop(200).succeeded()).isTrue();
      Duration gone = awaitNotVerified(sys, "local-web", "pve1");
      report("sensor stopped", "local-web", gone);
      assertThat(gone).as("local-web not verified after the stop").isNotNull();
      assertThat(gone).isLessThanOrEqualTo(INTERVAL.multipliedBy(2));
      Duration remoteGone = awaitNotVerified(sys, "cross-proxy", "pve2");
      report("sensor stopped", "cross-proxy", remoteGone);
      assertThat(remoteGone).as("the same sensor is gone for the remote path too").isNotNull();
      awaitFiring(prom, "local-web");
      assertThat(sys.lifecycle.start(200).succeeded()).isTrue();
      awaitVerified(sys, "local-web", "pve1", Duration.ofSeconds(30));
      awaitVerified(sys, "cross-proxy", "pve2", Duration.ofSeconds(30));
      String status = sys.cluster.statusText();
      System.out.println("[e2e] ./pvespan status after the restore:\n" + status);
      assertThat(status)
          .contains("PATHS (canaries)")
          .containsPattern("local-web +pve1 +path verified");
    }
  }

  private static void report(String what, String session, Duration took) {
    System.out.println(
        "[e2e] "
            + what
            + ": "
            + session
            + " not verified after "
            + (took == null ? "(never)" : took.toMillis() + " ms")
            + " (interval "
            + INTERVAL.toMillis()
            + " ms)");
  }

  private static Duration awaitNotVerified(LabSystem sys, String session, String node) {
    return Await.timed(
        INTERVAL.multipliedBy(4),
        () -> {
          JsonNode p = path(sys, session, node);
          return !p.isMissingNode() && !p.path("verified").asBoolean(true);
        });
  }

  private static void awaitVerified(LabSystem sys, String session, String node, Duration timeout) {
    Await.orFail(
        timeout,
        () -> path(sys, session, node).path("verified").asBoolean(false),
        () -> session + " from " + node + ": " + path(sys, session, node));
  }

  private static void awaitFiring(LabPrometheus prom, String session) {
    Duration firing =
        Await.timed(
            Duration.ofSeconds(60),
            () -> "firing".equals(prom.alertState(ALERT, "session", session)));
    System.out.println(
        "[e2e] "
            + ALERT
            + " for "
            + session
            + " firing "
            + (firing == null ? "never" : firing.toMillis() + " ms")
            + " after 'not verified'");
    assertThat(firing).as(ALERT + " for " + session + " fires").isNotNull();
  }

  /** The session's path row for {@code node} from GET /v1/sessions (missing when absent). */
  static JsonNode path(LabSystem sys, String session, String node) {
    try {
      var r = sys.cluster.controllerGet("/v1/sessions");
      if (!r.ok()) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      for (JsonNode s : JSON.readTree(r.body())) {
        if (session.equals(s.path("name").asText())) {
          for (JsonNode p : s.path("paths")) {
            if (node.equals(p.path("node").asText())) {
              return p;
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      // not JSON: treated as absent
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
