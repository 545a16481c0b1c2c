package io.pvespan.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.FaultyProxmox.Fault;
import io.pvespan.controller.config.ConfigLoader;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.NodeMirrorPlan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Proxmox API failing mid-run, for real: the daemon as {@code ./pvespan controller} builds it
 * (config file, Quartz schedule, the Proxmox client with a 1 s read timeout, the API) polls the
 * lab's Proxmox stand-in through {@link FaultyProxmox}, which then goes down, slow, 500, 401 or
 * answers garbage. While it fails, a guest the session selects is started in the stand-in. For each
 * fault: the agent keeps the plan it had (nothing is pushed, above all no empty plan), status and
 * metrics say why, and once the API is back the controller picks up by itself the change made
 * during the outage.
 */
class PveFaultsIT {
  static final String TOKEN = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final Duration LIMIT = Duration.ofSeconds(Long.getLong("faults.limit", 30));

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"DOWN", "SLOW", "HTTP_500", "HTTP_401", "TRUNCATED_JSON", "HTML"})
  void theLastGoodPlanStaysWhileTheApiFailsAndItRecoversByItself(Fault fault) throws Exception {
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(cluster(), StandInToken.parse(TOKEN))
                .authFailureDelay(Duration.ofMillis(300))
                .start();
        FaultyProxmox api = new FaultyProxmox(standIn.url());
        FakeAgent agent = new FakeAgent("pve1");
        ControllerDaemon d =
            ControllerDaemon.start(
                ConfigLoader.load(config(api.url(), agent.url())),
                InventorySourceFactory.production(Duration.ofSeconds(1), Duration.ofSeconds(1)))) {
      await(
          () -> "the first plan reaches the agent; " + d.controller().snapshot(),
          () -> mirrorsLastPut(agent) == 1);
      await(
          "/metrics says the API is up", () -> metrics(d).contains("pvespan_controller_pve_up 1"));
      NodeMirrorPlan good = agent.puts.get(agent.puts.size() - 1);
      long failuresBefore = d.controller().snapshot().pollFailures();
      int putsBefore = agent.puts.size();

      long faultAt = System.nanoTime();
      api.fault(fault);
      standIn.setStatus(VmId.of(102), "running"); // a change the controller cannot see yet
      await(
          "two polls failed", () -> d.controller().snapshot().pollFailures() >= failuresBefore + 2);
      long msToSee = (System.nanoTime() - faultAt) / 1_000_000L;

      var during = d.controller().snapshot();
      assertThat(during.lastPollError()).as(fault.name()).contains(expectedError(fault));
      assertThat(during.plans())
          .as("the plans in force are still the last good ones")
          .singleElement()
          .satisfies(p -> assertThat(p.digest()).isEqualTo(good.digest()));
      int pushedDuring = agent.puts.size() - putsBefore;
      assertThat(pushedDuring).as("plans pushed while the API failed").isZero();
      String m = metrics(d);
      assertThat(m).contains("pvespan_controller_pve_up 0.0");
      assertThat(m)
          .containsPattern(
              "pvespan_controller_inventory_poll_failures_total\\{reason=\""
                  + reason(fault)
                  + "\"\\} [1-9]");
      assertThat(get(d, "/v1/plans")).containsPattern("\"inventoryError\" ?: ?\"");

      long recoverAt = System.nanoTime();
      api.fault(Fault.NONE);
      await("the guest started during the outage is mirrored", () -> mirrorsLastPut(agent) == 2);
      long msToRecover = (System.nanoTime() - recoverAt) / 1_000_000L;
      await("/metrics says the API is up again", () -> metrics(d).contains("pve_up 1.0"));
      assertThat(d.controller().snapshot().lastPollError()).isNull();
      assertThat(agent.puts)
          .as("never an empty plan, before, during or after")
          .allSatisfy(p -> assertThat(p.mirrors()).isNotEmpty());
      System.out.printf(
          "PveFaultsIT %s: two failed polls within %d ms, %d plan(s) pushed meanwhile; the change"
              + " made during the outage reached the agent %d ms after the API came back%n",
          fault, msToSee, pushedDuring, msToRecover);
    }
  }

  private static String expectedError(Fault fault) {
    return switch (fault) {
      case DOWN -> "cannot connect to 127.0.0.1";
      case SLOW -> "within the read timeout of 1000 ms";
      case HTTP_500 -> "HTTP 500";
      case HTTP_401 -> "HTTP 401";
      case TRUNCATED_JSON -> "malformed JSON from GET /cluster/resources";
      case HTML -> "answered an HTML page 'Sign in'";
      case NONE -> throw new IllegalArgumentException();
    };
  }

  private static String reason(Fault fault) {
    return switch (fault) {
      case DOWN -> "unreachable";
      case SLOW -> "timeout";
      case HTTP_500 -> "server_error";
      case HTTP_401 -> "unauthorized";
      case TRUNCATED_JSON, HTML -> "bad_response";
      case NONE -> throw new IllegalArgumentException();
    };
  }

  /** Active mirrors in the newest plan the agent received (a stopped guest's entry waits). */
  private static int mirrorsLastPut(FakeAgent agent) {
    List<NodeMirrorPlan> puts = agent.puts;
    return puts.isEmpty()
        ? -1
        : (int)
            puts.get(puts.size() - 1).mirrors().stream()
                .filter(m -> m.state() == EntryState.ACTIVE)
                .count();
  }

  /** pve1 with a sensor VM (999), a running source (101) and a stopped one (102). */
  static Inventory cluster() {
    return new Inventory(
        List.of(new InventoryNode("pve1", "198.18.0.1", true, 1500)),
        List.of(guest(101, "running"), guest(102, "stopped"), guest(999, "running")));
  }

  private static Guest guest(int vmid, String status) {
    return new Guest(
        VmId.of(vmid),
        GuestType.QEMU,
        "pve1",
        status,
        "vm" + vmid,
        List.of(),
        null,
        false,
        null,
        List.of(
            new GuestNic(
                NicId.parse("net0"),
                "vmbr0",
                String.format("BC:24:11:00:%02X:%02X", vmid / 256, vmid % 256),
                false,
                null,
                null,
                null)));
  }

  private Path config(URI pveUrl, URI agentUrl) throws Exception {
    Path specs = Files.createDirectories(dir.resolve("specs"));
    Files.writeString(
        specs.resolve("web.yaml"),
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: ids}
        spec:
          vm: {vmid: 999, nic: net0}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec:
          sources: {vmids: [101, 102]}
          direction: both
          sensorRef: ids
        """);
    secret("agent-token", FakeAgent.TOKEN);
    secret("pve-token", TOKEN);
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        """
        pve: {url: "%s", tokenFile: pve-token}
        specs: {path: specs}
        pollInterval: 1s
        listen: 127.0.0.1:0
        agents:
          scheme: http
          insecureLabHttp: true
          tokenFile: agent-token
          urls: {pve1: "%s"}
        """
            .formatted(pveUrl, agentUrl));
    return f;
  }

  private void secret(String name, String value) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, value + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
  }

  static String metrics(ControllerDaemon d) {
    return get(d, "/metrics");
  }

  static String get(ControllerDaemon d, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.apiPort() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  /** Waits for real I/O on 127.0.0.1 up to {@link #LIMIT}; not a timing assertion. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(() -> what, condition);
  }

  static void await(java.util.function.Supplier<String> what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what.get() + ": not within " + LIMIT.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }
}
