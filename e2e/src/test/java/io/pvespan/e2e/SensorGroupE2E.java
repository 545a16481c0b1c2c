package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.SensorCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sensor group with the real controller and agents in the lab: session {@code pool-web} mirrors
 * guest 101 (pve1) to group {@code pool} = ids-1 (vm 200, pve1: local) and ids-2 (vm 201, pve3:
 * through VXLAN). 50 UDP flows between 101 and 102, both directions, each reach one member; then
 * the lifecycle driver stops ids-2 as Proxmox does, and at the next plan every flow reaches ids-1.
 */
class SensorGroupE2E {
  private static final int FLOWS = 50;
  private static final int FRAMES = 3;
  private static final int FIRST_PORT = 20000;
  private static final int SERVER_PORT = 9000;

  /** Sends FRAMES datagrams per flow: argv dst, reply (0/1), flows. */
  private static final String SENDER =
      "import socket,sys\n"
          + "dst=sys.argv[1]; reply=sys.argv[2]=='1'; n=int(sys.argv[3])\n"
          + "for f in range(n):\n"
          + "  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
          + "  s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          + "  s.bind(('',"
          + SERVER_PORT
          + " if reply else "
          + FIRST_PORT
          + "+f))\n"
          + "  d=(dst,"
          + FIRST_PORT
          + "+f if reply else "
          + SERVER_PORT
          + ")\n"
          + "  for i in range("
          + FRAMES
          + "): s.sendto(b'pvespan-group-e2e',d)\n"
          + "  s.close()\n";

  static final Duration CANARIES = Duration.ofSeconds(2);

  private LabSystem s;

  @BeforeEach
  void up() throws Exception {
    s =
        new LabSystem(
            LabSystem.Setup.standard()
                .withCanaries(CANARIES)
                // Only the group's session feeds the sensors.
                .withSpec("local-web.yaml", E2ESpecs.session("local-web", "vmids: [101]", true))
                .withSpec("cross-proxy.yaml", E2ESpecs.session("cross-proxy", "vmids: [103]", true))
                .withSpec(
                    "sensor-ids-2.yaml",
                    E2ESpecs.HEADER
                        + "kind: Sensor\nmetadata: {name: ids-2}\nspec:\n"
                        + "  vm: {vmid: 201, nic: net1}\n")
                .withSpec(
                    "group.yaml",
                    E2ESpecs.HEADER
                        + "kind: SensorGroup\nmetadata: {name: pool}\nspec:\n"
                        + "  members: [ids-1, ids-2]\n")
                .withSpec(
                    "pool-web.yaml",
                    E2ESpecs.HEADER
                        + "kind: MirrorSession\nmetadata: {name: pool-web}\nspec:\n"
                        + "  sources: {vmids: [101]}\n  sensorRef: pool\n"));
  }

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void bothDirectionsOfEachFlowReachOneMemberAndAStoppedMembersFlowsMoveAtTheNextPlan()
      throws Exception {
    LabPlan plan = s.plan();
    plan.result().notes().forEach(n -> System.out.println("[e2e] note: " + n));
    assertThat(plan.result().errors()).isEmpty();
    assertThat(plan.result().notes())
        .anyMatch(n -> n.startsWith("sensor group pool (sessions pool-web): 2 of 2 members"));
    awaitApplied(plan);

    Map<String, int[]> both = talk("both", true);
    int[] perMember = new int[2];
    for (int f = 0; f < FLOWS; f++) {
      int[] there = both.getOrDefault(key(f, false), new int[2]);
      int[] back = both.getOrDefault(key(f, true), new int[2]);
      String what = "flow " + f + " (ids-1, ids-2): there " + str(there) + ", back " + str(back);
      assertThat(there[0] + there[1]).as(what).isEqualTo(FRAMES);
      assertThat(back[0] + back[1]).as(what).isEqualTo(FRAMES);
      int m = there[0] > 0 ? 0 : 1;
      assertThat(there[m]).as(what + ": one member").isEqualTo(FRAMES);
      assertThat(back[m]).as(what + ": the replies at the same member").isEqualTo(FRAMES);
      perMember[m]++;
    }
    System.out.println("[e2e] flows per member: ids-1 " + perMember[0] + ", ids-2 " + perMember[1]);
    // Canaries to both members counted where the plans deliver them: the path is verified only
    // with both (PathChecks), so this also checks that the controller finds each member's device.
    awaitPathVerified("both members");
    assertThat(perMember[0]).as("flows at ids-1").isBetween(15, 35);
    assertThat(perMember[1]).as("flows at ids-2").isBetween(15, 35);

    // Proxmox stops ids-2's VM; the controller's next plan gives ids-1 every flow.
    s.lifecycle.stop(201);
    Await.orFail(
        Duration.ofSeconds(30),
        () ->
            s.lifecyclePlan().result().notes().stream()
                .anyMatch(n -> n.contains("1 of 2 members") && n.contains("ids-2 gets none")),
        () -> "the plan still shares pool-web with ids-2");
    LabPlan failover = s.lifecyclePlan();
    failover.result().notes().forEach(n -> System.out.println("[e2e] note: " + n));
    awaitApplied(failover);
    awaitPathVerified("ids-1 alone");
    Map<String, int[]> one = talk("one", false);
    for (int f = 0; f < FLOWS; f++) {
      assertThat(one.getOrDefault(key(f, false), new int[2])[0])
          .as("flow %d at ids-1", f)
          .isEqualTo(FRAMES);
      assertThat(one.getOrDefault(key(f, true), new int[2])[0])
          .as("flow %d back at ids-1", f)
          .isEqualTo(FRAMES);
    }
  }

  /** pool-web's path from vm101's node (pve1) "verified" in /v1/sessions. */
  private void awaitPathVerified(String what) {
    Await.orFail(
        CANARIES.multipliedBy(10),
        () -> PathVerificationE2E.path(s, "pool-web", "pve1").path("verified").asBoolean(false),
        () ->
            "pool-web from pve1 ("
                + what
                + "): "
                + PathVerificationE2E.path(s, "pool-web", "pve1"));
    System.out.println(
        "[e2e] path ("
            + what
            + "): "
            + PathVerificationE2E.path(s, "pool-web", "pve1").path("message").asText());
  }

  /** The agents hold the plan: mirrors in the kernels, the digests applied, entries settled. */
  private void awaitApplied(LabPlan plan) {
    Await.orFail(
        Duration.ofSeconds(60),
        () -> KernelChecks.missing(s.lab, plan.activeMirrors()).isEmpty(),
        () -> "mirrors missing: " + KernelChecks.missing(s.lab, plan.activeMirrors()));
    Await.orFail(
        Duration.ofSeconds(30),
        () ->
            plan.result().plans().stream()
                .allMatch(
                    p ->
                        s.cluster
                            .agentStatus(p.node())
                            .body()
                            .contains("\"appliedDigest\":\"" + p.digest() + "\"")),
        () -> "the agents have not applied the plan's digests yet");
  }

  /** The 50 flows there and back; UDP frames per flow and direction at ids-1 [0] and ids-2 [1]. */
  private Map<String, int[]> talk(String phase, boolean bothMembers) throws IOException {
    Path dir = s.work.resolve("captures-" + phase);
    SensorCapture a =
        SensorCapture.start(s.lab, s.lab.topology().vmNs(200), "eth1", "ids-1 " + phase, dir);
    SensorCapture b =
        bothMembers
            ? SensorCapture.start(s.lab, s.lab.topology().vmNs(201), "eth1", "ids-2 " + phase, dir)
            : null;
    try {
      send(101, s.lab.address(102, 0), false, dir);
      send(102, s.lab.address(101, 0), true, dir);
      // tcpdump gets frames from the kernel's ring in blocks (up to about a second late): wait
      // until the captures hold every datagram sent, or 10 s, before stopping them.
      Await.until(
          Duration.ofSeconds(10),
          () -> total(a) + (b == null ? 0 : total(b)) >= 2 * FLOWS * FRAMES);
    } finally {
      a.halt();
      if (b != null) {
        b.halt();
      }
    }
    Map<String, int[]> out = new HashMap<>();
    count(a.file(), 0, out);
    if (b != null) {
      count(b.file(), 1, out);
    }
    return out;
  }

  /** The test's datagrams in a capture so far. */
  private static int total(SensorCapture c) {
    Map<String, int[]> m = new HashMap<>();
    try {
      count(c.file(), 0, m);
    } catch (IOException e) {
      return 0;
    }
    return m.values().stream().mapToInt(v -> v[0]).sum();
  }

  private void send(int vmid, String dst, boolean reply, Path dir) {
    Process p =
        s.lab.startIn(
            s.lab.topology().vmNs(vmid),
            List.of("/usr/bin/python3", "-c", SENDER, dst, reply ? "1" : "0", "" + FLOWS),
            dir.resolve("send-" + vmid + ".log"));
    try {
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("sender done").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(p.exitValue()).as("sender exit, see " + dir).isZero();
  }

  private static String key(int f, boolean reply) {
    return f + (reply ? " back" : " there");
  }

  private static String str(int[] c) {
    return c[0] + "/" + c[1];
  }

  /** Counts the test's UDP datagrams in a pcap (Ethernet, IPv4) by flow and direction. */
  static void count(Path pcap, int member, Map<String, int[]> out) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < 24) {
      return;
    }
    b.position(24);
    while (b.remaining() >= 16) {
      b.getInt();
      b.getInt();
      int caplen = b.getInt();
      b.getInt();
      if (caplen < 0 || caplen > b.remaining()) {
        break; // a record tcpdump is still writing
      }
      byte[] f = new byte[caplen];
      b.get(f);
      ByteBuffer e = ByteBuffer.wrap(f);
      if (f.length < 42 || e.getShort(12) != 0x0800 || f[23] != 17) {
        continue;
      }
      int l4 = 14 + 4 * (f[14] & 0xf);
      int sport = e.getShort(l4) & 0xffff;
      int dport = e.getShort(l4 + 2) & 0xffff;
      boolean reply = sport == SERVER_PORT;
      int client = reply ? dport : sport;
      int server = reply ? sport : dport;
      if (server != SERVER_PORT || client < FIRST_PORT || client >= FIRST_PORT + FLOWS) {
        continue;
      }
      out.computeIfAbsent(key(client - FIRST_PORT, reply), k -> new int[2])[member]++;
    }
  }
}
