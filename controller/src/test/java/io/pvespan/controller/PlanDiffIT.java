package io.pvespan.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.cli.PlanCommand;
import io.pvespan.controller.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pvespan plan --diff} against a running controller (the daemon, with the sample lab
 * inventory from a file and the real planner): the same specs change nothing (exit 0), an added
 * session shows its mirrors per node (exit 3), broken specs are errors (exit 1).
 */
class PlanDiffIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path EXAMPLES = REPO.resolve("crds-like-specs/examples");

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  private static Run plan(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        new PlanCommand()
            .run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void diffAgainstTheRunningControllerShowsAnAddedSessionAndExitsThree() throws Exception {
    Path running = Files.createDirectories(dir.resolve("running"));
    Files.copy(EXAMPLES.resolve("sensors.yaml"), running.resolve("sensors.yaml"));
    Files.copy(EXAMPLES.resolve("local-sensor.yaml"), running.resolve("local-sensor.yaml"));
    Path token = dir.resolve("agent-token");
    Files.writeString(token, FakeAgent.TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    // Plus guest 250, running, whose NICs the controller has not read (no spec in force selects
    // it: the Proxmox source reads configs only for guests of interest).
    String inventory =
        Files.readString(REPO.resolve("test-fixtures/inventories/lab-3-nodes.json"))
            .replaceFirst(
                "\"guests\"\\s*:\\s*\\[",
                "\"guests\": [{\"vmid\": 250, \"type\": \"qemu\", \"node\": \"pve1\","
                    + " \"status\": \"running\", \"name\": \"new-db\", \"tags\": [],"
                    + " \"template\": false, \"nics\": []},");
    Files.writeString(dir.resolve("inv.json"), inventory);
    Path config = dir.resolve("controller.yaml");
    Files.writeString(
        config,
        """
        pve: {inventoryFile: inv.json}
        specs: {path: running}
        pollInterval: 1s
        listen: 127.0.0.1:0
        agents:
          scheme: http
          insecureLabHttp: true
          tokenFile: agent-token
          urls: {pve1: "http://127.0.0.1:9/", pve2: "http://127.0.0.1:9/", pve3: "http://127.0.0.1:9/"}
        """);
    try (ControllerDaemon d =
        ControllerDaemon.start(ConfigLoader.load(config), InventorySourceFactory.production())) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (d.controller().snapshot().plans().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(d.controller().snapshot().plans()).isNotEmpty();
      String url = "http://127.0.0.1:" + d.apiPort();

      Run same = plan("--diff", "--controller", url, "--specs", running.toString());
      assertThat(same.code()).as(same.err()).isZero();
      assertThat(same.out())
          .contains("pve1: no change", "pve2: no change", "pve3: no change")
          .contains("no change to the plans in force");

      Path change = Files.createDirectories(dir.resolve("merge-request"));
      for (String f : List.of("sensors.yaml", "local-sensor.yaml", "remote-sensor.yaml")) {
        Files.copy(EXAMPLES.resolve(f), change.resolve(f));
      }
      Run added = plan("--diff", "--controller", url, "--specs", change.toString());
      assertThat(added.code()).as(added.err()).isEqualTo(PlanCommand.EXIT_CHANGES).isEqualTo(3);
      assertThat(added.out())
          .contains("pve3: no change")
          .containsPattern("pve1: [1-9]\\d* added, 0 removed")
          .containsPattern("pve2: [1-9]\\d* added, 0 removed")
          .containsPattern("\\+ mirror ct-remote: 103 net0 veth103i0, egress")
          .containsPattern("\\+ delivery ct-remote: psp\\S+ → tap200i1")
          .contains("  + tunnel psp")
          .contains("the plans of 2 of 3 nodes would change");

      // A change that starts to mirror a guest whose NICs the controller never read: not "no
      // change", but a change that cannot be previewed, named.
      Path unseen = Files.createDirectories(dir.resolve("new-guest"));
      for (String f : List.of("sensors.yaml", "local-sensor.yaml")) {
        Files.copy(EXAMPLES.resolve(f), unseen.resolve(f));
      }
      Files.writeString(
          unseen.resolve("db.yaml"),
          "apiVersion: pvespan.io/v1alpha1\nkind: MirrorSession\nmetadata: {name: new-db}\n"
              + "spec:\n  sources: {vmids: [250]}\n  sensorRef: ids-1\n");
      Run notPreviewed = plan("--diff", "--controller", url, "--specs", unseen.toString());
      assertThat(notPreviewed.code()).as(notPreviewed.err()).isEqualTo(3);
      assertThat(notPreviewed.out())
          .contains("guests 250 are selected by this change but the controller has not read");

      Run json = plan("--diff", "--controller", url, "--specs", change.toString(), "-o", "json");
      assertThat(json.code()).isEqualTo(3);
      assertThat(json.out()).contains("\"changed\" : true");

      Files.writeString(change.resolve("remote-sensor.yaml"), "kind: MirrorSession\n");
      Run broken = plan("--diff", "--controller", url, "--specs", change.toString());
      assertThat(broken.code()).isEqualTo(1);
      assertThat(broken.err()).contains("remote-sensor.yaml:1:1:");

      Run unreachable =
          plan("--diff", "--controller", "http://127.0.0.1:9", "--specs", running.toString());
      assertThat(unreachable.code()).isEqualTo(1);
      assertThat(unreachable.err()).startsWith("pvespan plan: cannot read the controller: ");

      Run usage = plan("--diff", "--specs", running.toString());
      assertThat(usage.code()).isEqualTo(2);
      assertThat(usage.err()).contains("--diff needs --controller URL");
    }
  }
}
