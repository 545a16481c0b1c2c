package io.pvespan.agent.engine;

import static io.pvespan.agent.engine.Plans.local;
import static io.pvespan.agent.engine.Plans.mirror;
import static io.pvespan.agent.engine.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.Lab;
import io.pvespan.agent.lab.PcapCapture;
import io.pvespan.model.Bandwidth;
import io.pvespan.model.Direction;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The copy conditioner on a real kernel, driven by the agent's own converger: snaplen cuts the
 * copies and never the guests' frames; a budget caps the copies while the production transfer
 * completes; vlan tags the copies and never the guests' frames; pairs go when the plan drops them.
 */
class CopyConditionerIT {
  private Lab lab;
  private NetnsName node;
  private NetnsName vmA;
  private NetnsName vmB;
  private NetnsName sensor;

  @BeforeEach
  void setUp() {
    lab = new Lab("cond");
    node = lab.node("n1");
    vmA = lab.vm(node, 101, "198.18.7.101/24", true);
    vmB = lab.vm(node, 102, "198.18.7.102/24", true);
    sensor = lab.vm(node, 900, null, false);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  static NodeMirrorPlan conditioned(long gen, Conditioner c) {
    MirrorEntry m = mirror("s1", 101, Direction.BOTH, local("tap900i0")).conditioned(c);
    return plan(gen, List.of(m));
  }

  private ConvergeReport active(KernelConverger c, NodeMirrorPlan p) {
    ConvergeReport r = c.converge(p);
    assertThat(r.failures()).isEmpty();
    assertThat(r.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).as(e.message()).isEqualTo("active"));
    return r;
  }

  private List<String> conditionerDevices() {
    return Lab.sh("ip", "-n", node.value(), "-o", "link", "show")
        .lines()
        .map(l -> l.split(": ")[1].split("@")[0])
        .filter(n -> n.matches("psp[qr][0-9a-f]{8}"))
        .sorted()
        .toList();
  }

  @Test
  void snaplenCutsEveryCopyTo128BytesAndLeavesTheGuestsFramesWhole() {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    NodeMirrorPlan p = conditioned(1, new Conditioner(128, null, null));
    active(c, p);
    assertThat(conditionerDevices()).hasSize(2);

    List<byte[]> copies;
    List<byte[]> atB;
    try (PcapCapture s = PcapCapture.start(sensor, "eth0");
        PcapCapture b = PcapCapture.start(vmB, "eth0")) {
      lab.udp(vmA, "198.18.7.102", 300, 1000);
      copies = s.stop();
      atB = b.stop();
    }
    List<byte[]> guestUdp = atB.stream().filter(CopyConditionerIT::udp).toList();
    List<byte[]> copiedUdp = copies.stream().filter(CopyConditionerIT::udp).toList();
    // The guest's own frames: 14 + 20 + 8 + 1000 bytes each, every one of them.
    assertThat(guestUdp).hasSize(300).allSatisfy(f -> assertThat(f).hasSize(1042));
    // Their copies: every one, none longer than 128 bytes (ARP and the like are shorter).
    assertThat(copiedUdp).hasSize(300).allSatisfy(f -> assertThat(f).hasSize(128));
    assertThat(copies).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(128));

    ConvergeReport again = c.converge(conditioned(2, new Conditioner(128, null, null)));
    assertThat(again.writes()).isZero();
    assertThat(again.driftFound()).isEmpty();
    // The agent's event path (one device) sees the pair as well: nothing to do either.
    ConvergeReport narrow =
        c.convergeDevice(conditioned(2, new Conditioner(128, null, null)), "tap101i0");
    assertThat(narrow.failures()).isEmpty();
    assertThat(narrow.writes()).isZero();

    // Without the conditioner the pair goes and copies are whole again.
    ConvergeReport plain =
        c.converge(plan(3, List.of(mirror("s1", 101, Direction.BOTH, local("tap900i0")))));
    assertThat(plain.failures()).isEmpty();
    assertThat(conditionerDevices()).isEmpty();
    try (PcapCapture s = PcapCapture.start(sensor, "eth0")) {
      lab.udp(vmA, "198.18.7.102", 20, 1000);
      assertThat(s.stop().stream().filter(CopyConditionerIT::udp))
          .hasSize(20)
          .allSatisfy(f -> assertThat(f).hasSize(1042));
    }
  }

  /**
   * The sensor VM stops (its tap goes): the guest's tap stops copying into the pair at once, so no
   * copy crosses the pair with no filter left to take it (it would go up the host's own stack on
   * the pair's device); the sensor back, copies flow again.
   */
  @Test
  void withTheSensorsTapGoneNothingIsCopiedIntoThePair() {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    NodeMirrorPlan p = conditioned(1, new Conditioner(128, null, null));
    active(c, p);
    String in = conditionerDevices().get(0);
    String out = conditionerDevices().get(1);
    assertThat(in).startsWith("pspq");

    Lab.sh("ip", "-n", node.value(), "link", "del", "tap900i0");
    ConvergeReport gone = c.converge(conditioned(2, new Conditioner(128, null, null)));
    assertThat(gone.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).as(e.message()).isEqualTo("waiting"));
    assertThat(Lab.sh("tc", "-n", node.value(), "filter", "show", "dev", "tap101i0", "ingress"))
        .doesNotContain(in);
    long inBefore = lab.bytes(node, in, "tx");
    long outBefore = lab.bytes(node, out, "rx");
    lab.udp(vmA, "198.18.7.102", 200, 1000);
    assertThat(lab.bytes(node, in, "tx")).as("copies into " + in).isEqualTo(inBefore);
    assertThat(lab.bytes(node, out, "rx")).as("copies across the pair").isEqualTo(outBefore);
  }

  @Test
  void vlanTagsEveryCopyAndNeverTheGuestsFrames() {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    active(c, conditioned(1, new Conditioner(null, null, 100)));
    List<byte[]> copies;
    List<byte[]> atB;
    try (PcapCapture s = PcapCapture.start(sensor, "eth0");
        PcapCapture b = PcapCapture.start(vmB, "eth0")) {
      lab.udp(vmA, "198.18.7.102", 50, 700);
      copies = s.stop();
      atB = b.stop();
    }
    assertThat(atB.stream().filter(CopyConditionerIT::udp))
        .hasSize(50)
        .allSatisfy(f -> assertThat(f).hasSize(742));
    assertThat(copies).isNotEmpty();
    // Every copy carries one 802.1Q tag, VLAN 100, in front of the guest's own EtherType.
    assertThat(copies)
        .allSatisfy(
            f -> {
              assertThat(u16(f, 12)).isEqualTo(0x8100);
              assertThat(u16(f, 14) & 0x0fff).isEqualTo(100);
              assertThat(u16(f, 16)).isIn(0x0800, 0x0806);
            });
    assertThat(copies.stream().filter(f -> u16(f, 16) == 0x0800 && f[16 + 2 + 9] == 17))
        .hasSize(50)
        .allSatisfy(f -> assertThat(f).hasSize(746));
  }

  @Test
  void aStandbyTargetGetsTheSameCopiesEachWithOneTag() {
    NetnsName standby = lab.vm(node, 901, null, false);
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    Conditioner vlan = new Conditioner(128, null, 300);
    MirrorEntry m =
        Plans.with(
                mirror("s1", 101, Direction.BOTH, local("tap900i0")),
                List.of(local("tap901i0")),
                List.of())
            .conditioned(vlan);
    active(c, plan(1, List.of(m)));
    List<byte[]> primary;
    List<byte[]> second;
    try (PcapCapture s = PcapCapture.start(sensor, "eth0");
        PcapCapture t = PcapCapture.start(standby, "eth0")) {
      lab.udp(vmA, "198.18.7.102", 40, 700);
      primary = s.stop();
      second = t.stop();
    }
    for (List<byte[]> copies : List.of(primary, second)) {
      assertThat(copies.stream().filter(CopyConditionerIT::udp)).hasSize(40);
      assertThat(copies)
          .allSatisfy(
              f -> {
                assertThat(u16(f, 12)).isEqualTo(0x8100);
                assertThat(u16(f, 14) & 0x0fff).isEqualTo(300);
                assertThat(u16(f, 16)).as("one tag, not two").isIn(0x0800, 0x0806);
                assertThat(f.length).isLessThanOrEqualTo(132);
              });
    }
  }

  @Test
  void copiesToASensorOnAnotherNodeAreCutAndTaggedBeforeTheTunnel() {
    NetnsName nodeB = lab.node("nb");
    Lab.sh(
        "ip",
        "-n",
        node.value(),
        "link",
        "add",
        "ul0",
        "type",
        "veth",
        "peer",
        "name",
        "ul0",
        "netns",
        nodeB.value());
    Lab.sh("ip", "-n", node.value(), "addr", "add", "198.18.0.1/24", "dev", "ul0");
    Lab.sh("ip", "-n", nodeB.value(), "addr", "add", "198.18.0.2/24", "dev", "ul0");
    Lab.sh("ip", "-n", node.value(), "link", "set", "ul0", "up");
    Lab.sh("ip", "-n", nodeB.value(), "link", "set", "ul0", "up");
    NetnsName remote = lab.vm(nodeB, 901, null, false);
    MirrorEntry m =
        mirror("s1", 101, Direction.BOTH, Plans.vxlanTarget("pspv10", "198.18.0.2", 10))
            .conditioned(new Conditioner(128, null, 200));
    NodeMirrorPlan a =
        NodeMirrorPlan.of(
            "na",
            1,
            List.of(m),
            List.of(Plans.vxlanSend("pspv10", "198.18.0.1", "198.18.0.2", 10)),
            List.of());
    NodeMirrorPlan b =
        NodeMirrorPlan.of(
            "nb",
            1,
            List.of(),
            List.of(Plans.vxlanReceive("pspv11", "198.18.0.2", 10)),
            List.of(Plans.delivery("s1", "pspv11", "tap901i0")));
    assertThat(LocalMirrorIT.converger(lab, nodeB).converge(b).failures()).isEmpty();
    active(LocalMirrorIT.converger(lab, node), a);
    List<byte[]> copies;
    try (PcapCapture s = PcapCapture.start(remote, "eth0")) {
      lab.udp(vmA, "198.18.7.102", 60, 1000);
      copies = s.stop();
    }
    assertThat(copies.stream().filter(CopyConditionerIT::udp)).hasSize(60);
    assertThat(copies)
        .allSatisfy(
            f -> {
              assertThat(u16(f, 12)).isEqualTo(0x8100);
              assertThat(u16(f, 14) & 0x0fff).isEqualTo(200);
              assertThat(f.length).isLessThanOrEqualTo(132);
            });
  }

  /** Counts the bytes of one TCP connection on port 5301 until EOF and prints the count. */
  static final String RECEIVER =
      "import socket\n"
          + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "s.bind(('0.0.0.0', 5301)); s.listen(1); print('ready', flush=True)\n"
          + "c, _ = s.accept(); n = 0\n"
          + "while True:\n"
          + "    d = c.recv(1 << 20)\n"
          + "    if not d: break\n"
          + "    n += len(d)\n"
          + "print(n, flush=True)\n";

  /** Sends argv[2] bytes to argv[1]:5301 and closes. */
  static final String SENDER =
      "import socket, sys\n"
          + "c = socket.create_connection((sys.argv[1], 5301)); left = int(sys.argv[2])\n"
          + "buf = b'x' * (1 << 20)\n"
          + "while left > 0:\n"
          + "    c.sendall(buf[:min(left, len(buf))]); left -= min(left, len(buf))\n"
          + "c.shutdown(socket.SHUT_WR); c.recv(1); c.close()\n";

  @Test
  void aBudgetCapsTheCopiesWhileTheProductionTransferCompletes() throws Exception {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    Bandwidth budget = Bandwidth.parse("10Mbit");
    NodeMirrorPlan p = conditioned(1, new Conditioner(null, budget, null));
    active(c, p);

    long transfer = 300L * 1024 * 1024;
    try (Receiver receiver = Receiver.start(vmB)) {
      long sensor0 = lab.bytes(sensor, "eth0", "rx");
      long start = System.nanoTime();
      send(transfer);
      long received = receiver.received();
      Thread.sleep(200); // what the tbf still holds (at most 50 ms of copies) drains
      double seconds = (System.nanoTime() - start) / 1e9;
      long copied = lab.bytes(sensor, "eth0", "rx") - sensor0;

      // The production transfer is complete: the receiver got every byte.
      assertThat(received).isEqualTo(transfer);
      // The copies stayed within the budget over the measured interval plus its burst (64 KiB)
      // and the 50 ms of copies the tbf may have held (a bound, not a timing assertion: a slower
      // run only allows more).
      long allowed = (long) (budget.bytesPerSecond() * (seconds + 0.05)) + 65536 + 1514;
      System.out.printf(
          "budget %s: %.2f s, production %d B received, %d B of copies at the sensor (%.2f"
              + " Mbit/s), allowed %d B%n",
          budget, seconds, received, copied, copied * 8 / seconds / 1e6, allowed);
      assertThat(copied).isPositive().isLessThanOrEqualTo(allowed);
      ConvergeReport after = c.converge(p);
      assertThat(after.copyDrops())
          .singleElement()
          .satisfies(d -> assertThat(d.dropped()).isPositive());
    }
  }

  /**
   * The copy guard (issue 12: a budget must not cost production the clones it drops). With a heavy
   * stream through a 10 Mbit/s budget, once the guard settled, the bytes the tap's filters cloned
   * into the pair over a window stay near the budget; with G fixed at 1 (no guard) the same window
   * sees far more. Bounds in bytes over the measured window, not timing; the transfer is whole in
   * both. The loop is driven here as the agent drives it: a changed G queues a converge.
   */
  @Test
  void theCopyGuardClonesNearTheBudgetWhileProductionIsWhole() throws Exception {
    Bandwidth budget = Bandwidth.parse("10Mbit");
    NodeMirrorPlan p = conditioned(1, new Conditioner(null, budget, null));
    long[] guarded = clonedInAWindow(p, true);
    long[] unguarded = clonedInAWindow(p, false);
    long allowedGuarded = (long) (budget.bytesPerSecond() * guarded[1] / 1e9 * 4) + 65536 + 1514;
    System.out.printf(
        "copy guard: G=%d, %d B cloned in %.2f s (allowed %d B); without it %d B in %.2f s%n",
        guarded[2], guarded[0], guarded[1] / 1e9, allowedGuarded, unguarded[0], unguarded[1] / 1e9);
    assertThat(guarded[0]).isPositive().isLessThanOrEqualTo(allowedGuarded);
    assertThat(guarded[2]).as("the guard's factor").isGreaterThan(1);
    long allowedUnguarded =
        (long) (budget.bytesPerSecond() * unguarded[1] / 1e9 * 4) + 65536 + 1514;
    assertThat(unguarded[0]).as("without the guard").isGreaterThan(10 * allowedUnguarded);
    assertThat(guarded[3] + unguarded[3])
        .as("both transfers still ran at the window's end")
        .isEqualTo(2);
  }

  /**
   * Streams 1.5 GiB from A to B while the pair takes copies; returns the bytes cloned into the pair
   * (the tap filters' mirred counters) over a window after the guard settled, the window's
   * nanoseconds, and G at its end.
   */
  private long[] clonedInAWindow(NodeMirrorPlan p, boolean guarded) throws Exception {
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    CopyGuard guard =
        new CopyGuard(
            () -> java.util.Optional.of(p),
            c::filterCounters,
            () -> {},
            java.time.Clock.systemUTC(),
            java.time.Duration.ofMillis(200));
    if (guarded) {
      c.guardWith(guard::factor);
    }
    active(c, p);
    long transfer = 3L << 29;
    try (Receiver receiver = Receiver.start(vmB)) {
      Thread sender = new Thread(() -> send(transfer));
      sender.start();
      // Settle: the guard reads every 200 ms; a change is applied by a converge at once. Settled
      // after 4 readings without a change (at most 10 readings).
      int quiet = 0;
      for (int i = 0; i < 10 && quiet < 4; i++) {
        Thread.sleep(200);
        boolean changed = guarded && guard.tick();
        if (changed) {
          active(c, p);
        }
        quiet = changed || (guarded && guard.factor(pairIn(p)) == 1) ? 0 : quiet + 1;
      }
      long before = cloned(c, p);
      long t0 = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        Thread.sleep(200);
        if (guarded && guard.tick()) {
          active(c, p);
        }
      }
      long after = cloned(c, p);
      long window = System.nanoTime() - t0;
      boolean streaming = sender.isAlive();
      sender.join();
      assertThat(receiver.received()).isEqualTo(transfer);
      return new long[] {after - before, window, guard.factor(pairIn(p)), streaming ? 1 : 0};
    }
  }

  /** Sends {@code bytes} from vm 101 to the receiver on vm 102 (returns when all are sent). */
  private void send(long bytes) {
    Lab.sh(
        "ip",
        "netns",
        "exec",
        vmA.value(),
        "python3",
        "-c",
        SENDER,
        "198.18.7.102",
        Long.toString(bytes));
  }

  /** {@link #RECEIVER} in vm 102, listening once started; killed on close. */
  private record Receiver(Process process, java.io.BufferedReader lines) implements AutoCloseable {
    static Receiver start(NetnsName vm) throws java.io.IOException {
      Process p =
          new ProcessBuilder("ip", "netns", "exec", vm.value(), "python3", "-c", RECEIVER)
              .redirectErrorStream(true)
              .start();
      Receiver r =
          new Receiver(
              p,
              new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(r.lines.readLine()).isEqualTo("ready");
      return r;
    }

    /** The bytes the receiver counted once the sender closed. */
    long received() throws java.io.IOException {
      return Long.parseLong(lines.readLine().trim());
    }

    @Override
    public void close() throws Exception {
      process.destroyForcibly();
      process.waitFor();
      lines.close();
    }
  }

  private static io.pvespan.model.InterfaceName pairIn(NodeMirrorPlan p) {
    return CopyGuard.budgeted(p).keySet().iterator().next();
  }

  /** The bytes the session's tap filters cloned so far (their mirred counters). */
  private long cloned(KernelConverger c, NodeMirrorPlan p) {
    return active(c, p).entries().get(0).bytes();
  }

  static boolean udp(byte[] f) {
    int at = u16(f, 12) == 0x8100 ? 16 : 12;
    return f.length > at + 12 && u16(f, at) == 0x0800 && f[at + 2 + 9] == 17;
  }

  static int u16(byte[] f, int at) {
    return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
  }
}
