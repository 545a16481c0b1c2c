package io.pvespan.agent.bench;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark main (not a test): starts the real agent process through the launcher, reports its
 * resident memory idle, then under churn (many plan PUTs with changing 1,000-device content, each
 * converged by the agent), and after. Prints one line per number. Kernel-free: the agent runs its
 * unwired kernel layer. Usage (after {@code ./pvespan agent --help} built the jar):
 *
 * <pre>
 * java -cp node-agent/target/test-classes:node-agent/target/pvespan-agent.jar \
 *   io.pvespan.agent.bench.AgentChurn [launcher] [puts] [devices] [idleSeconds]
 * </pre>
 */
public final class AgentChurn {
  private static final String TOKEN = "bench-token";

  private AgentChurn() {}

  public static void main(String[] args) throws Exception {
    String launcher = args.length > 0 ? args[0] : "./pvespan";
    int puts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int devices = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Path dir = Files.createTempDirectory("pvespan-churn");
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process agent =
        new ProcessBuilder(
                launcher,
                "agent",
                "--node",
                "bench",
                "--listen",
                "127.0.0.1:" + port,
                "--state-dir",
                dir.resolve("state").toString(),
                "--token-file",
                token.toString(),
                "--insecure-lab-http")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent.log").toFile())
            .start();
    try {
      run(agent, "http://127.0.0.1:" + port, puts, devices, idleSeconds);
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void run(Process agent, String base, int puts, int devices, int idleSeconds)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long started = System.nanoTime();
    waitHealthy(client, base);
    System.out.printf("startup_to_healthy_ms %d%n", (System.nanoTime() - started) / 1_000_000);
    Thread.sleep(idleSeconds * 1000L);
    System.out.printf("rss_idle_mb %.1f%n", rssMb(agent.pid(), "VmRSS"));
    long peak = 0;
    long bodyBytes = 0;
    long t0 = System.nanoTime();
    for (int i = 1; i <= puts; i++) {
      String body = PlanJson.write(plan(i, devices));
      bodyBytes += body.length();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/plan"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("PUT " + i + ": " + r.statusCode() + " " + r.body());
      }
      if (i % 50 == 0) {
        peak = Math.max(peak, (long) (rssMb(agent.pid(), "VmRSS") * 10));
        get(client, base + "/metrics");
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "puts %d devices_per_plan %d avg_body_kb %.0f%n", puts, devices, bodyBytes / 1024.0 / puts);
    System.out.printf("puts_per_second %.0f%n", puts / seconds);
    System.out.printf("rss_churn_peak_sampled_mb %.1f%n", peak / 10.0);
    Thread.sleep(2000);
    System.out.printf("rss_after_churn_mb %.1f%n", rssMb(agent.pid(), "VmRSS"));
    System.out.printf("rss_high_water_mb %.1f%n", rssMb(agent.pid(), "VmHWM"));
    String metrics = get(client, base + "/metrics");
    for (String line : metrics.split("\n")) {
      if (line.startsWith("pvespan_agent_converges_total")
          || line.startsWith("pvespan_agent_applied_generation")
          || line.startsWith("process_resident_memory_bytes")) {
        System.out.println("metrics " + line);
      }
    }
  }

  private static NodeMirrorPlan plan(int generation, int devices) {
    List<MirrorEntry> mirrors = new ArrayList<>(devices);
    Direction[] directions = Direction.values();
    for (int j = 0; j < devices; j++) {
      int vmid = 1000 + j;
      mirrors.add(
          new MirrorEntry(
              "session-" + (j % 10),
              VmId.of(vmid),
              new NicId(0),
              InterfaceName.of("tap" + vmid + "i0"),
              directions[(generation + j) % 3],
              EntryState.ACTIVE,
              new LocalTarget(InterfaceName.of("tap999i0")),
              null));
    }
    return NodeMirrorPlan.of("bench", generation, mirrors, List.of(), List.of());
  }

  private static void waitHealthy(HttpClient client, String base) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        if (get(client, base + "/healthz").equals("ok\n")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("agent not healthy within 120 s");
  }

  private static String get(HttpClient client, String url)
      throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double rssMb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }
}
