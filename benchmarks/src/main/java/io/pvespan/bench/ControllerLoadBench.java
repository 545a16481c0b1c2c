package io.pvespan.bench;

import com.sun.net.httpserver.HttpServer;
import io.pvespan.controller.Controller;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.controller.agents.AgentTls;
import io.pvespan.controller.agents.HttpAgentClient;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.inventory.FileInventorySource;
import io.pvespan.controller.planning.Planner;
import io.pvespan.controller.reconcile.AgentAddressing;
import io.pvespan.controller.reconcile.PushBackoff;
import io.pvespan.controller.specs.SpecSource;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.plan.PlanJson;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.status.NodeMirrorStatus;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Controller heap and CPU at scale: a generated inventory of {@code nodes} nodes and {@code guests}
 * guests (file-backed, re-read every poll as the daemon does with {@code pve.inventoryFile}),
 * sessions selecting a share of the guests, one in-process stand-in agent endpoint per node, and
 * the API answering. Prints numbers; no assertions.
 *
 * <p>{@code java -Xmx256m -cp benchmarks/target/pvespan-benchmarks.jar
 * io.pvespan.bench.ControllerLoadBench [nodes] [guests] [cycles]}
 */
public final class ControllerLoadBench {
  private ControllerLoadBench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // as ApiServer does
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int guests = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path dir = Files.createTempDirectory("pvespan-bench");
    Path inventoryFile = dir.resolve("inventory.json");
    Files.writeString(inventoryFile, InventoryJson.write(LoadData.inventory(nodes, guests)));
    var specs = LoadData.specs(guests);
    Planner planner = LoadData.planner();
    System.out.printf(
        "inventory: %d nodes, %d guests, file %d KiB; %d sessions; planner: %s%n",
        nodes,
        guests,
        Files.size(inventoryFile) / 1024,
        specs.sessions().size(),
        LoadData.plannerName(planner));

    Map<String, NodeMirrorStatus> applied = new ConcurrentHashMap<>();
    HttpServer agents = standInAgents(applied);
    Map<String, URI> urls = new LinkedHashMap<>();
    for (int n = 1; n <= nodes; n++) {
      urls.put(
          "pve" + n,
          URI.create("http://127.0.0.1:" + agents.getAddress().getPort() + "/pve" + n + "/"));
    }
    ExecutorService io = Executors.newCachedThreadPool();
    SpecSource specSource =
        new SpecSource() {
          @Override
          public String fingerprint() {
            return "fixed";
          }

          @Override
          public LoadResult load() {
            return new LoadResult(specs, null);
          }
        };
    Controller c =
        new Controller(
            new Controller.Ports(
                specSource,
                new FileInventorySource(inventoryFile),
                planner,
                new HttpAgentClient(
                    "bench", new AgentTls(null, null, false), Duration.ofSeconds(10)),
                new AgentAddressing("http", 8787, urls),
                NodeOverrides.NONE,
                Clock.systemUTC(),
                PushBackoff.DEFAULT),
            io,
            Runnable::run);
    ApiServer api =
        ApiServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), c::snapshot);

    var threads = ManagementFactory.getThreadMXBean();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    c.pollInventory(); // first poll: plan everything, push to every agent
    awaitInSync(c, 5);
    long firstMs = (System.nanoTime() - t0) / 1_000_000;
    long firstCpuMs = (processCpuNanos() - cpu0) / 1_000_000;
    System.out.printf(
        "first poll + plan + push to %d agents: %d ms wall, %d ms CPU%n",
        nodes, firstMs, firstCpuMs);

    // steady state: one guest changes node per cycle (a migration), poll + status round each
    long[] cycleMs = new long[cycles];
    cpu0 = processCpuNanos();
    for (int i = 0; i < cycles; i++) {
      Files.writeString(inventoryFile, InventoryJson.write(LoadData.migrated(nodes, guests, i)));
      long s = System.nanoTime();
      c.pollInventory();
      c.collectStatus();
      awaitInSync(c, 2);
      cycleMs[i] = (System.nanoTime() - s) / 1_000_000;
    }
    long cycleCpuMs = (processCpuNanos() - cpu0) / 1_000_000 / cycles;
    Arrays.sort(cycleMs);
    System.out.printf(
        "steady cycle (poll %d guests, re-plan on a migration, push changed, status of %d): "
            + "median %d ms, max %d ms wall; %d ms CPU per cycle%n",
        guests, nodes, cycleMs[cycles / 2], cycleMs[cycles - 1], cycleCpuMs);

    HttpClient http = HttpClient.newHttpClient();
    for (String path : new String[] {"/v1/sessions", "/v1/nodes", "/v1/plans", "/metrics"}) {
      long[] ms = new long[20];
      int bytes = 0;
      for (int i = 0; i < ms.length; i++) {
        long s = System.nanoTime();
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        ms[i] = (System.nanoTime() - s) / 1_000_000;
        bytes = r.body().length;
      }
      Arrays.sort(ms);
      System.out.printf("GET %-13s median %3d ms, %7d bytes%n", path, ms[ms.length / 2], bytes);
    }

    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    System.out.printf(
        "heap after GC with the state of %d guests held: %d MiB used (max %d MiB); threads %d%n",
        guests, heap.getUsed() >> 20, heap.getMax() >> 20, threads.getThreadCount());
    System.out.printf(
        "process: %s, %s; CPU total %d ms%n",
        procStatus("VmHWM"), procStatus("VmRSS"), processCpuNanos() / 1_000_000);
    ControllerSnapshot s = c.snapshot();
    long mirrors = s.plans().stream().mapToLong(p -> p.mirrors().size()).sum();
    System.out.printf("plans in force: %d nodes, %d mirror entries%n", s.plans().size(), mirrors);
    api.close();
    agents.stop(0);
    io.shutdownNow();
    System.exit(0);
  }

  /** A line of /proc/self/status (peak and current resident memory), for the record. */
  private static String procStatus(String key) throws java.io.IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.replaceAll("\\s+", " "))
        .findFirst()
        .orElse(key + ": n/a");
  }

  /** Waits until every agent has its plan; a planner or spec error ends the run with it. */
  private static void awaitInSync(Controller c, long pauseMs) throws InterruptedException {
    while (!allInSync(c.snapshot())) {
      var snap = c.snapshot();
      if (!snap.plannerErrors().isEmpty() || !snap.specErrors().isEmpty()) {
        throw new IllegalStateException(
            "the controller refused the generated data: "
                + (snap.plannerErrors().isEmpty() ? snap.specErrors() : snap.plannerErrors()));
      }
      Thread.sleep(pauseMs);
    }
  }

  private static boolean allInSync(ControllerSnapshot s) {
    return !s.agents().isEmpty() && s.agents().stream().allMatch(a -> a.inSync());
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  /** One HTTP server answering for every node's agent under /NODE/v1/...: accepts any plan. */
  private static HttpServer standInAgents(Map<String, NodeMirrorStatus> applied) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/");
            String node = parts[1];
            byte[] body;
            if (ex.getRequestMethod().equals("PUT")) {
              var plan =
                  PlanJson.MAPPER.readValue(
                      ex.getRequestBody(), io.pvespan.plan.NodeMirrorPlan.class);
              applied.put(
                  node,
                  new NodeMirrorStatus(
                      null,
                      null,
                      node,
                      plan.generation(),
                      plan.digest(),
                      null,
                      null,
                      null,
                      null,
                      null));
              body = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
              NodeMirrorStatus st =
                  applied.getOrDefault(
                      node,
                      new NodeMirrorStatus(
                          null, null, node, 0, null, null, null, null, null, null));
              body = PlanJson.write(st).getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
        });
    server.start();
    return server;
  }
}
