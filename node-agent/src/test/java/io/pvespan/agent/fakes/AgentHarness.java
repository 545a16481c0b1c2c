package io.pvespan.agent.fakes;

import io.pvespan.agent.AgentOptions;
import io.pvespan.agent.AgentRuntime;
import io.pvespan.agent.KernelPorts;
import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.KernelEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A real agent (HTTP on 127.0.0.1, ephemeral port) over a fake kernel, plus a small client. */
public final class AgentHarness implements AutoCloseable {
  public static final String TOKEN = "test-token-0123456789";

  public final FakeConverger converger;
  public final FakeEvents events;
  public final AgentRuntime runtime;
  private final HttpClient client;
  private final String base;

  /** Writes a 0600 token file in {@code dir}. */
  public static Path tokenFile(Path dir) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  public static AgentHarness start(Path stateDir, Path tmp) throws Exception {
    return start(stateDir, tmp, List.of(), HttpClient.newHttpClient());
  }

  /**
   * {@code extraArgs} e.g. TLS options; {@code client} must trust the TLS cert then. Without {@code
   * --tls-cert} the agent serves plain HTTP ({@code --insecure-lab-http}); with {@code --tls-ca}
   * the harness adds no token.
   */
  public static AgentHarness start(
      Path stateDir, Path tmp, List<String> extraArgs, HttpClient client) throws Exception {
    FakeConverger converger = new FakeConverger();
    FakeEvents events = new FakeEvents();
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--node",
                Plans.NODE,
                "--listen",
                "127.0.0.1:0",
                "--state-dir",
                stateDir.toString(),
                "--underlay",
                "198.18.0.0/15"));
    // Under mutual TLS the certificate is the credential: a token only when the test gives one.
    if (!extraArgs.contains("--tls-ca")) {
      args.addAll(List.of("--token-file", tokenFile(tmp).toString()));
    }
    if (!extraArgs.contains("--tls-cert")) {
      args.add("--insecure-lab-http");
    }
    if (!extraArgs.contains("--canary-interval")) {
      args.addAll(List.of("--canary-interval", "0")); // a fake kernel: nothing to send into
    }
    args.addAll(extraArgs);
    AgentOptions options = AgentOptions.parse(args.toArray(String[]::new));
    Holder h = new Holder(converger, events);
    AgentRuntime runtime = AgentRuntime.start(options, h, Clock.systemUTC());
    return new AgentHarness(runtime, client, options.tls() ? "https" : "http", converger, events);
  }

  private AgentHarness(
      AgentRuntime runtime,
      HttpClient client,
      String scheme,
      FakeConverger converger,
      FakeEvents events) {
    this.runtime = runtime;
    this.client = client;
    this.base = scheme + "://127.0.0.1:" + runtime.address().getPort();
    this.converger = converger;
    this.events = events;
  }

  private record Holder(FakeConverger converger, FakeEvents events) implements KernelPorts {
    @Override
    public Converger converger(AgentOptions options) {
      return converger;
    }

    @Override
    public KernelEvents events(AgentOptions options) {
      return events;
    }
  }

  public HttpResponse<String> get(String path, boolean withToken) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (withToken) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> put(String body) throws Exception {
    return send("PUT", "/v1/plan", body, TOKEN);
  }

  public int port() {
    return runtime.address().getPort();
  }

  /** Polls (the agent's worker thread is real) until {@code condition} or 10 s. */
  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    runtime.close();
  }
}
