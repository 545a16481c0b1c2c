package io.pvespan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.Condition;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real agent in-process: {@link AgentMain#start} with the production kernel layer ({@link
 * AgentMain#kernelPorts()}: {@code KernelConverger} + {@code MonitorEvents}) acting in a lab node
 * namespace through {@code --netns}, HTTP on 127.0.0.1 with an ephemeral port, plus a small client.
 */
final class RealAgent implements AutoCloseable {
  private final AgentRuntime runtime;
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  private boolean stopped;

  private RealAgent(AgentRuntime runtime) {
    this.runtime = runtime;
    this.base = "http://127.0.0.1:" + runtime.address().getPort();
  }

  /**
   * Starts on {@code stateDir} (a stored plan there is loaded and adopted) for node {@code pve1}.
   */
  static RealAgent start(Path stateDir, Path tokenFile, NetnsName node) throws Exception {
    String[] args = {
      "--node",
      io.pvespan.agent.fakes.Plans.NODE,
      "--listen",
      "127.0.0.1:0",
      "--state-dir",
      stateDir.toString(),
      "--token-file",
      tokenFile.toString(),
      "--insecure-lab-http",
      "--netns",
      node.value(),
      // So long that only kernel events (never the periodic resync) can explain a converge here.
      "--underlay",
      "198.18.0.0/15",
      "--resync",
      "3600",
      // No canaries: the tests count every byte at the sensors.
      "--canary-interval",
      "0"
    };
    AgentRuntime runtime = AgentMain.start(args, AgentMain.kernelPorts(), System.out, System.err);
    return new RealAgent(runtime);
  }

  AgentRuntime runtime() {
    return runtime;
  }

  int port() {
    return runtime.address().getPort();
  }

  HttpResponse<String> put(String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/v1/plan"))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + AgentHarness.TOKEN)
            .build();
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  String get(String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + AgentHarness.TOKEN)
            .build();
    HttpResponse<String> response = client.send(r, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  NodeMirrorStatus status() throws Exception {
    return PlanJson.MAPPER.readValue(get("/v1/status"), NodeMirrorStatus.class);
  }

  JsonNode statusJson() throws Exception {
    return PlanJson.MAPPER.readTree(get("/v1/status"));
  }

  /** The state of the entry on {@code device}, empty when the status has none. */
  Optional<String> entryState(String device) throws Exception {
    return status().entries().stream()
        .filter(e -> e.device().value().equals(device))
        .map(EntryStatus::state)
        .findFirst();
  }

  Condition condition(String type) throws Exception {
    return status().conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  /** An unlabelled sample of {@code /metrics}, e.g. {@code pvespan_agent_converges_total}. */
  long metric(String name) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(get("/metrics"));
    if (!m.find()) {
      throw new AssertionError(name + " not in /metrics");
    }
    // The Prometheus client writes every sample as a double ("3.0", "5.24288E7").
    return (long) Double.parseDouble(m.group(1));
  }

  /**
   * Stops the agent the way a killed process leaves the kernel: {@link AgentRuntime#close()} stops
   * the API, the monitors and the worker and writes nothing to the kernel (the tests check that the
   * kernel is unchanged afterwards). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!stopped) {
      stopped = true;
      runtime.close();
    }
  }
}
