package io.pvespan.e2e.coexist;

import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real node agent as its own OS process, started from the jar the reactor built (as {@code
 * ./pvespan agent} does), acting on a lab node namespace through {@code --netns}; its API on
 * loopback. Plain HTTP with a bearer token, as the lab runs it.
 */
final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AgentProcess(Process process, Path log, int port, String token) {
    this.process = process;
    this.log = log;
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  static AgentProcess start(Path agentJar, String node, String netns, Path dir) throws Exception {
    Files.createDirectories(dir);
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    Path tokenFile = dir.resolve("agent.token");
    Files.writeString(tokenFile, token + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("agent.log");
    List<String> argv =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx64m",
            "-jar",
            agentJar.toString(),
            "--node",
            node,
            "--listen",
            "127.0.0.1:" + port,
            "--state-dir",
            dir.resolve("state").toString(),
            "--token-file",
            tokenFile.toString(),
            "--insecure-lab-http",
            "--netns",
            netns,
            // No canaries: the coexistence runs count every frame at the sensor.
            "--canary-interval",
            "0");
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    AgentProcess agent = new AgentProcess(p, log, port, token);
    agent.awaitHealthy();
    return agent;
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the agent exited: " + Files.readString(log));
      }
      try {
        if (send(HttpRequest.newBuilder(URI.create(base + "/healthz")).GET()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the agent did not answer /healthz within 30 s");
  }

  /** Pushes {@code plan}; the agent must accept it. */
  void put(NodeMirrorPlan plan) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v1/plan"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(PlanJson.write(plan))));
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("plan refused: " + r.statusCode() + " " + r.body());
    }
  }

  NodeMirrorStatus status() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).GET());
    return PlanJson.MAPPER.readValue(r.body(), NodeMirrorStatus.class);
  }

  Path log() {
    return log;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(
        b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
