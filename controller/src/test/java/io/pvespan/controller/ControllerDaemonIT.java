package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.cli.ControllerCommand;
import io.pvespan.controller.config.ConfigLoader;
import io.pvespan.inventory.InventoryJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as {@code ./pvespan controller} builds it: config file, Quartz schedule, API. */
class ControllerDaemonIT {
  @TempDir Path dir;

  private Path config(String listen, URI agentUrl) throws Exception {
    Files.createDirectories(dir.resolve("specs"));
    Path token = dir.resolve("agent-token");
    Files.writeString(token, FakeAgent.TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        dir.resolve("inventory.json"),
        InventoryJson.write(
            Fakes.inventory(
                List.of("pve1"), guest(101, "pve1", "running"), guest(102, "pve1", "stopped"))));
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        """
        pve: {inventoryFile: inventory.json}
        specs: {path: specs}
        pollInterval: 1s
        listen: %s
        agents:
          scheme: http
          insecureLabHttp: true
          tokenFile: agent-token
          urls: {pve1: "%s"}
        """
            .formatted(listen, agentUrl));
    return f;
  }

  @Test
  void theScheduledDaemonPollsAndServes() throws Exception {
    try (FakeAgent agent = new FakeAgent("pve1");
        ControllerDaemon d =
            ControllerDaemon.start(
                ConfigLoader.load(config("127.0.0.1:0", agent.url())),
                InventorySourceFactory.production())) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (d.controller().snapshot().polls() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      var s = d.controller().snapshot();
      assertThat(s.polls()).isPositive();
      assertThat(s.inventory().guests()).hasSize(2);
      var http = HttpClient.newHttpClient();
      var health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.apiPort() + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theCommandReportsABadConfigAndABusyPortInOneLineEach() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var cmd = new ControllerCommand(InventorySourceFactory.production());
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "pve: {inventoryFile: nope.json}\nlisten: x\n");
    int code =
        cmd.run(List.of("--config", bad.toString()), new PrintStream(out), new PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).startsWith(bad.toString() + ":"));

    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      err.reset();
      Path f = config("127.0.0.1:" + busy.getLocalPort(), URI.create("http://127.0.0.1:1/"));
      code = cmd.run(List.of("--config", f.toString()), new PrintStream(out), new PrintStream(err));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("pvespan controller: cannot listen on 127.0.0.1:" + busy.getLocalPort())
          .hasLineCount(1);
    }
    assertThat(cmd.run(List.of(), new PrintStream(out), new PrintStream(err))).isEqualTo(2);
  }
}
