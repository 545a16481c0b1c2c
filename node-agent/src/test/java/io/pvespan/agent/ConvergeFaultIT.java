package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.engine.KernelEvents;
import io.pvespan.agent.engine.MonitorEvents;
import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.kernel.BatchResult;
import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.CommandRunner;
import io.pvespan.agent.kernel.KernelCommandException;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.kernel.Tool;
import io.pvespan.agent.lab.Lab;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel command failing halfway through a converge, on the real kernel: the real agent (its
 * reconciler, worker thread and kernel monitors) converges a plan for two guests through a runner
 * that, while armed, rewrites the batch line adding tap102i0's ingress filter ({@code filter add
 * dev tap102i0 ingress ...}) to name a parent qdisc that does not exist ({@code parent fffe:}), so
 * the real kernel refuses that one line and every other line of the batch applies (tap101i0 whole;
 * tap102i0's qdisc and its other filter). Status and metrics then say which entry failed and why,
 * and the mirror that did apply works. Once the kernel accepts the line again, the agent completes
 * the plan by itself (no push, no call by hand): every entry active, no drift, nothing half-made
 * left on either device, every byte of both guests at the sensor.
 */
class ConvergeFaultIT {
  private static final String SENSOR = "tap900i0";
  private static final String VICTIM = "tap102i0";

  @TempDir Path tmp;
  private Lab lab;
  private NetnsName node;
  private NetnsName vmA;
  private NetnsName vmB;
  private NetnsName sensor;
  private AgentRuntime runtime;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    lab = new Lab("pspc");
    node = lab.node("n1");
    vmA = lab.vm(node, 101, "198.18.1.101/24", true);
    vmB = lab.vm(node, 102, "198.18.1.102/24", true);
    sensor = lab.vm(node, 900, null, false);
  }

  @AfterEach
  void tearDown() {
    try {
      if (runtime != null) {
        runtime.close();
      }
    } finally {
      lab.close();
    }
  }

  /**
   * The real iproute2 runner with one seam: while {@code armed}, a tc batch line adding a filter on
   * the ingress side of {@link #VICTIM} names parent {@code fffe:} instead, which does not exist:
   * the kernel itself refuses it.
   */
  static final class OneLineFails implements CommandRunner {
    private final CommandRunner real;
    volatile boolean armed = true;
    final List<String> refused = new CopyOnWriteArrayList<>();
    final List<String> seen = new CopyOnWriteArrayList<>();

    OneLineFails(CommandRunner real) {
      this.real = real;
    }

    @Override
    public String run(Tool tool, Set<Option> options, CommandLine command)
        throws KernelCommandException {
      return real.run(tool, options, command);
    }

    @Override
    public BatchResult batch(Tool tool, Set<Option> options, List<CommandLine> lines)
        throws KernelCommandException {
      if (!armed || tool != Tool.TC) {
        return real.batch(tool, options, lines);
      }
      List<CommandLine> out = new ArrayList<>();
      for (CommandLine l : lines) {
        seen.add(l.batchLine());
        List<String> argv = l.argv();
        if (argv.size() > 4
            && argv.get(0).equals("filter")
            && argv.get(1).equals("add")
            && argv.contains(VICTIM)
            && argv.contains("ingress")) {
          List<String> broken = new ArrayList<>(argv);
          int at = argv.indexOf("ingress");
          broken.set(at, "fffe:");
          broken.add(at, "parent");
          out.add(CommandLine.of(broken.toArray(String[]::new)));
          refused.add(l.batchLine());
        } else {
          out.add(l);
        }
      }
      return real.batch(tool, options, out);
    }

    @Override
    public Process start(Tool tool, CommandLine command) throws KernelCommandException {
      return real.start(tool, command);
    }

    @Override
    public long processesSpawned() {
      return real.processesSpawned();
    }
  }

  private OneLineFails startAgent() throws Exception {
    OneLineFails seam = new OneLineFails(new ProcessCommandRunner(node, Duration.ofSeconds(30)));
    NetnsName probe = lab.namespace("probe");
    KernelFeatures features =
        KernelProbe.probeIn(new ProcessCommandRunner(probe, Duration.ofSeconds(30)));
    KernelConverger converger = new KernelConverger(seam, features, Clock.systemUTC());
    KernelPorts ports =
        new KernelPorts() {
          @Override
          public Converger converger(AgentOptions options) {
            return converger;
          }

          @Override
          public KernelEvents events(AgentOptions options) {
            return new MonitorEvents(new ProcessCommandRunner(node, Duration.ofSeconds(30)));
          }
        };
    AgentOptions options =
        AgentOptions.parse(
            "--node",
            Plans.NODE,
            "--listen",
            "127.0.0.1:0",
            "--state-dir",
            tmp.resolve("state").toString(),
            "--token-file",
            AgentHarness.tokenFile(tmp).toString(),
            "--insecure-lab-http",
            "--underlay",
            "198.18.0.0/15",
            "--resync",
            "2",
            // No canaries: the test counts every byte at the sensor.
            "--canary-interval",
            "0");
    runtime = AgentRuntime.start(options, ports, Clock.systemUTC());
    return seam;
  }

  private static NodeMirrorPlan plan(long generation) {
    List<MirrorEntry> mirrors =
        List.of(Plans.local("s1", 101, SENSOR), Plans.local("s1", 102, SENSOR));
    return NodeMirrorPlan.of(Plans.NODE, generation, mirrors, List.of(), List.of());
  }

  @Test
  void aLineRefusedHalfwayIsReportedAndTheNextConvergeCompletesThePlan() throws Exception {
    OneLineFails seam = startAgent();
    assertThat(put(plan(1)).statusCode()).isEqualTo(202);

    await(
        () -> "tap101i0 active and tap102i0 failed: " + get("/v1/status") + " lines " + seam.seen,
        () -> state("tap101i0").equals("active") && state(VICTIM).equals("failed"));
    assertThat(seam.refused).isNotEmpty();
    NodeMirrorStatus during = status();
    EntryStatus failed = entry(during, VICTIM);
    assertThat(failed.message())
        .as("the entry names the kernel's refusal")
        .startsWith("the kernel refused: tc filter add dev tap102i0")
        .endsWith("Error: Parent Qdisc doesn't exists.");
    var ready = condition(during, "Ready");
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("EntriesFailed");
    assertThat(ready.message())
        .startsWith("1 planned entry failed, first s1 on tap102i0: the kernel refused: tc filter");
    assertThat(condition(during, "Converged").reason()).isEqualTo("KernelCommandFailed");
    String metrics = get("/metrics");
    assertThat(metrics).contains("pvespan_agent_entries{kind=\"mirror\",state=\"failed\"} 1.0");
    assertThat(metrics).containsPattern("pvespan_agent_kernel_command_failures_total [1-9]");
    // What did apply works: vm101's traffic, both ways, reaches the sensor.
    long s0 = lab.bytes(sensor, "eth0", "rx");
    long a0 = lab.bytes(vmA, "eth0", "tx") + lab.bytes(vmA, "eth0", "rx");
    lab.udp(vmA, "198.18.1.103", 100, 800);
    long a = lab.bytes(vmA, "eth0", "tx") + lab.bytes(vmA, "eth0", "rx") - a0;
    assertThat(lab.bytes(sensor, "eth0", "rx") - s0).isBetween(a - 200, a + 200);

    long fixedAt = System.nanoTime();
    seam.armed = false; // the kernel takes the line again: no push, no converge by hand
    await(
        "every entry active",
        () -> state("tap101i0").equals("active") && state(VICTIM).equals("active"));
    long msToRecover = (System.nanoTime() - fixedAt) / 1_000_000L;
    await("Ready", () -> condition(status(), "Ready").status().equals("True"));
    // The converge that completed the plan reports what it found missing; the next one (a kernel
    // event or the 2 s resync) finds nothing left to do.
    await("a converge without drift", () -> status().drift().isEmpty());
    NodeMirrorStatus after = status();
    assertThat(condition(after, "Converged").reason()).isEqualTo("KernelMatchesPlan");
    // Nothing half-made: both devices hold the same rules of ours (one per direction).
    assertThat(ourFilters("tap102i0")).isEqualTo(ourFilters("tap101i0")).isEqualTo(2);
    long s1 = lab.bytes(sensor, "eth0", "rx");
    long b0 = lab.bytes(vmB, "eth0", "tx") + lab.bytes(vmB, "eth0", "rx");
    lab.udp(vmB, "198.18.1.101", 100, 800);
    long b = lab.bytes(vmB, "eth0", "tx") + lab.bytes(vmB, "eth0", "rx") - b0;
    long atSensor = lab.bytes(sensor, "eth0", "rx") - s1;
    // vm102 talks to vm101: the sensor sees both ends (both mirrored), so twice vm102's bytes.
    assertThat(atSensor).isBetween(2 * b - 400, 2 * b + 400);
    System.out.printf(
        "ConvergeFaultIT: %d line(s) refused while armed; completed %d ms after the kernel took"
            + " the line again; %d B from vm102 after, %d B at the sensor%n",
        seam.refused.size(), msToRecover, b, atSensor);
  }

  private int ourFilters(String dev) {
    int n = 0;
    for (JsonNode q : lab.json("tc", "-n", node.value(), "-j", "qdisc", "show", "dev", dev)) {
      String parent =
          "ingress".equals(q.path("kind").asText()) ? "ffff:" : q.path("handle").asText();
      if (parent.isEmpty() || parent.equals("0:")) {
        continue;
      }
      for (JsonNode f :
          lab.json(
              "tc", "-n", node.value(), "-j", "filter", "show", "dev", dev, "parent", parent)) {
        if (f.toString().contains("\"mirred\"") || f.toString().contains("mirred")) {
          if (f.has("options")) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private String state(String device) throws Exception {
    return status().entries().stream()
        .filter(e -> e.device().value().equals(device))
        .map(EntryStatus::state)
        .findFirst()
        .orElse("");
  }

  private static EntryStatus entry(NodeMirrorStatus s, String device) {
    return s.entries().stream()
        .filter(e -> e.device().value().equals(device))
        .findFirst()
        .orElseThrow();
  }

  private static io.pvespan.status.Condition condition(NodeMirrorStatus s, String type) {
    return s.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  private NodeMirrorStatus status() throws Exception {
    return PlanJson.MAPPER.readValue(get("/v1/status"), NodeMirrorStatus.class);
  }

  private String base() {
    return "http://127.0.0.1:" + runtime.address().getPort();
  }

  private String get(String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + AgentHarness.TOKEN)
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  private HttpResponse<String> put(NodeMirrorPlan plan) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base() + "/v1/plan"))
            .PUT(HttpRequest.BodyPublishers.ofString(Plans.json(plan)))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + AgentHarness.TOKEN)
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    await(() -> what, condition);
  }

  private static void await(Callable<String> what, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s: " + what.call());
      }
      Thread.sleep(10);
    }
  }
}
