package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.KernelSnapshot;
import io.pvespan.agent.lab.Lab;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.Condition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent (production kernel layer, HTTP API, state dir) against a lab node namespace: a
 * kill and restart under traffic, a device that appears after its plan, and refused plans.
 */
class AgentProcessIT {
  private static final String OUR_COOKIE = "70737031"; // "psp1", the start of every cookie of ours
  private static final String SENSOR = "tap200i1";

  @TempDir Path tmp;
  private Lab lab;
  private NetnsName node;
  private NetnsName sensor;
  private Path state;
  private Path token;
  private final List<RealAgent> agents = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    lab = new Lab("pspa");
    node = lab.node("n1");
    sensor = lab.vm(node, 200, 1, null, false);
    state = tmp.resolve("state");
    token = AgentHarness.tokenFile(tmp);
  }

  @AfterEach
  void tearDown() {
    try {
      agents.forEach(RealAgent::close);
    } finally {
      lab.close();
    }
  }

  private RealAgent agent() throws Exception {
    RealAgent a = RealAgent.start(state, token, node);
    agents.add(a);
    return a;
  }

  private static NodeMirrorPlan plan(long generation, int... vmids) {
    List<MirrorEntry> mirrors = new ArrayList<>();
    for (int vmid : vmids) {
      mirrors.add(Plans.local("s1", vmid, SENSOR));
    }
    return NodeMirrorPlan.of(Plans.NODE, generation, mirrors, List.of(), List.of());
  }

  /** Polls a real asynchronous effect until it holds or {@code limit} passes. */
  private static void await(String what, Duration limit, Callable<Boolean> condition)
      throws Exception {
    Instant deadline = Instant.now().plus(limit);
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(10);
    }
  }

  private String tcFilters(String dev) {
    StringBuilder all =
        new StringBuilder(
            Lab.sh("tc", "-n", node.value(), "-j", "filter", "show", "dev", dev, "ingress"));
    for (var q : lab.json("tc", "-n", node.value(), "-j", "qdisc", "show", "dev", dev)) {
      String handle = q.path("handle").asText();
      if (!"ingress".equals(q.path("kind").asText()) && !handle.isEmpty() && !"0:".equals(handle)) {
        all.append(
            Lab.sh("tc", "-n", node.value(), "-j", "filter", "show", "dev", dev, "parent", handle));
      }
    }
    return all.toString();
  }

  @Test
  void agentKilledAndRestartedUnderTrafficLosesNoBytes() throws Exception {
    NetnsName vmA = lab.vm(node, 101, "198.18.1.101/24", true);
    lab.vm(node, 102, "198.18.1.102/24", true);
    RealAgent first = agent();
    assertThat(first.put(Plans.json(plan(1, 101))).statusCode()).isEqualTo(202);
    await(
        "tap101i0 active",
        Duration.ofSeconds(10),
        () -> first.entryState("tap101i0").orElse("").equals("active"));
    String kernelBefore = KernelSnapshot.of(node);

    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vmA, "eth0", "tx");
    long rx0 = lab.bytes(vmA, "eth0", "rx");
    Path stop = tmp.resolve("stop-traffic");
    Thread traffic = new Thread(() -> lab.udpUntil(vmA, "198.18.1.102", 900, stop));
    traffic.start();
    try {
      awaitSensorGrowth(sensor0, 100_000);
      first.close(); // killed: no flush, the kernel keeps mirroring on its own
      assertThat(KernelSnapshot.of(node)).isEqualTo(kernelBefore);
      awaitSensorGrowth(lab.bytes(sensor, "eth0", "rx"), 100_000); // no agent at all now

      RealAgent second = agent(); // same state dir: loads the stored plan, adopts
      await(
          "first converge after the restart",
          Duration.ofSeconds(10),
          () -> second.metric("pvespan_agent_converges_total") >= 1);
      // Sandwich the status between two reads of the counter: still 1, so it is the first converge.
      long before = second.metric("pvespan_agent_converges_total");
      Condition converged = second.condition("Converged");
      Condition accepted = second.condition("PlanAccepted");
      long after = second.metric("pvespan_agent_converges_total");
      assertThat(before).isEqualTo(1);
      assertThat(after).isEqualTo(1);
      assertThat(accepted.reason()).isEqualTo("PlanLoadedFromDisk");
      assertThat(converged.status()).isEqualTo("True");
      assertThat(converged.message()).isEqualTo("0 kernel writes");
      assertThat(second.status().drift()).isEmpty();
      assertThat(second.entryState("tap101i0")).hasValue("active");
      awaitSensorGrowth(lab.bytes(sensor, "eth0", "rx"), 100_000);
    } finally {
      Files.writeString(stop, "");
      traffic.join(30_000);
    }
    assertThat(traffic.isAlive()).as("traffic stopped").isFalse();
    // The kernel objects are the very ones the first agent made (same handles, nothing rewritten).
    assertThat(KernelSnapshot.of(node)).isEqualTo(kernelBefore);

    long sent = lab.bytes(vmA, "eth0", "tx") - tx0;
    long received = lab.bytes(vmA, "eth0", "rx") - rx0;
    long mirrored = lab.bytes(sensor, "eth0", "rx") - sensor0;
    assertThat(sent).isGreaterThan(300_000);
    assertThat(mirrored).isBetween(sent + received - 200, sent + received + 200);
  }

  private void awaitSensorGrowth(long from, long bytes) throws Exception {
    await(
        "sensor received " + bytes + " more bytes",
        Duration.ofSeconds(20),
        () -> lab.bytes(sensor, "eth0", "rx") - from >= bytes);
  }

  @Test
  void deviceCreatedAfterThePlanIsMirroredWithoutAnotherPut() throws Exception {
    lab.vm(node, 101, "198.18.1.101/24", true);
    RealAgent agent = agent();
    assertThat(agent.put(Plans.json(plan(1, 102))).statusCode()).isEqualTo(202);
    await(
        "tap102i0 waiting",
        Duration.ofSeconds(10),
        () -> agent.entryState("tap102i0").orElse("").equals("waiting"));
    long converges = agent.metric("pvespan_agent_converges_total");

    NetnsName vmB = lab.vm(node, 102, "198.18.1.102/24", true); // the VM starts
    // Kernel events, not the resync (an hour away), must bring it within about two seconds.
    await(
        "tap102i0 active",
        Duration.ofSeconds(2),
        () -> agent.entryState("tap102i0").orElse("").equals("active"));
    assertThat(agent.metric("pvespan_agent_converges_total")).isGreaterThan(converges);
    // Both directions: one filter on ingress, one on the root qdisc, each with our cookie.
    assertThat(tcFilters("tap102i0").split(OUR_COOKIE, -1)).hasSize(3);

    long sensor0 = lab.bytes(sensor, "eth0", "rx");
    long tx0 = lab.bytes(vmB, "eth0", "tx");
    long rx0 = lab.bytes(vmB, "eth0", "rx");
    lab.udp(vmB, "198.18.1.101", 200, 800);
    long sent = lab.bytes(vmB, "eth0", "tx") - tx0;
    long received = lab.bytes(vmB, "eth0", "rx") - rx0;
    assertThat(sent).isGreaterThan(200 * 800);
    assertThat(lab.bytes(sensor, "eth0", "rx") - sensor0)
        .isBetween(sent + received - 200, sent + received + 200);
  }

  @Test
  void refusedPlansLeaveTheKernelUnchanged() throws Exception {
    lab.vm(node, 101, "198.18.1.101/24", true);
    RealAgent agent = agent();
    NodeMirrorPlan applied = plan(5, 101);
    assertThat(agent.put(Plans.json(applied)).statusCode()).isEqualTo(202);
    await(
        "tap101i0 active",
        Duration.ofSeconds(10),
        () -> agent.entryState("tap101i0").orElse("").equals("active"));
    assertThat(tcFilters("tap101i0")).contains(OUR_COOKIE);
    String kernel = KernelSnapshot.of(node);
    String stored = Files.readString(state.resolve("plan.json"));

    assertThat(agent.put(Plans.json(plan(4))).statusCode()).isEqualTo(409);
    assertRefused(agent, applied, kernel, stored);

    String hostile = Plans.json(plan(6, 101)).replace("tap101i0", "tap1;reboot");
    assertThat(hostile).contains("tap1;reboot");
    var bad = agent.put(hostile);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("tap1;reboot");
    assertRefused(agent, applied, kernel, stored);

    // What a stolen credential would try: mirror the host's own devices. A valid, signed-off
    // plan in every other respect; refused with the reason, nothing touched.
    for (String host : List.of("eth0", "lo", "vmbr0", "fwbr100i0")) {
      MirrorEntry m = Plans.local("s1", 101, SENSOR);
      MirrorEntry onHost =
          new MirrorEntry(
              m.session(),
              m.vmid(),
              m.nic(),
              io.pvespan.model.InterfaceName.of(host),
              m.direction(),
              m.state(),
              m.target(),
              m.filter());
      var r =
          agent.put(
              Plans.json(NodeMirrorPlan.of(Plans.NODE, 6, List.of(onHost), List.of(), List.of())));
      assertThat(r.statusCode()).as(host).isEqualTo(400);
      assertThat(r.body()).as(host).contains("only a guest device");
      assertRefused(agent, applied, kernel, stored);
    }
    var pinned = agent.put(Plans.json(plan(Long.MAX_VALUE, 101)));
    assertThat(pinned.statusCode()).isEqualTo(400);
    assertRefused(agent, applied, kernel, stored);

    assertThat(hundredMegabytePut(agent.port())).startsWith("HTTP/1.1 413");
    assertRefused(agent, applied, kernel, stored);
  }

  /** The plan stays, nothing is queued for the kernel, and the kernel is as it was. */
  private void assertRefused(RealAgent agent, NodeMirrorPlan applied, String kernel, String stored)
      throws Exception {
    assertThat(agent.runtime().reconciler().plan()).hasValue(applied);
    assertThat(agent.status().appliedGeneration()).isEqualTo(applied.generation());
    assertThat(Files.readString(state.resolve("plan.json"))).isEqualTo(stored);
    assertThat(KernelSnapshot.of(node)).isEqualTo(kernel);
  }

  /** Declares and streams a body of 100 MB and more; returns the status line answered. */
  private static String hundredMegabytePut(int port) throws Exception {
    long size = 100L * 1024 * 1024 + 1;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + AgentHarness.TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + size
                  + "\r\n\r\n{\"node\":\"pve1\",\"generation\":7,\"mirrors\":[")
              .getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                try {
                  for (long n = 0; n < size; n += block.length) {
                    out.write(block);
                  }
                } catch (IOException e) {
                  // the agent refused and closed: expected
                }
              });
      writer.setDaemon(true);
      writer.start();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      writer.join(20_000);
      return String.valueOf(status);
    }
  }
}
