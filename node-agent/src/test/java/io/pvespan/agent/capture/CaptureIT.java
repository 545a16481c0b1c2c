package io.pvespan.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.kernel.BpfCompiler;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.kernel.Tcpdump;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.FilterRule.Action;
import io.pvespan.spec.FilterRule.Protocol;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live capture on a real kernel: a guest device mirrored to a sensor by the real converger; a
 * capture of that device gets the guest's frames while the sensor gets every byte it got before,
 * and the device's qdiscs and filters are the same before, during and after.
 */
class CaptureIT {
  /** 1000-byte UDP payloads: 14 + 20 + 8 + 1000 on the wire. */
  static final int FRAME = 1042;

  private Lab lab;
  private NetnsName node;
  private NetnsName vm;
  private NetnsName sensor;
  private NetnsName peer;
  private Captures captures;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    node = lab.node("n1");
    vm = lab.vm(node, 101, "198.18.1.101/24", true);
    peer = lab.vm(node, 102, "198.18.1.102/24", true);
    sensor = lab.vm(node, 900, null, false);
    captures = new Captures(new Tcpdump(node));
  }

  @AfterEach
  void tearDown() {
    if (captures != null) {
      captures.close();
    }
    lab.close();
  }

  @Test
  void aCaptureGetsTheGuestsFramesAndTheSensorFeedAndTcAreUnchanged() throws Exception {
    NetnsName probe = lab.namespace("probe" + Long.toHexString(System.nanoTime() & 0xfff));
    KernelFeatures f = KernelProbe.probeIn(new ProcessCommandRunner(probe, Duration.ofSeconds(30)));
    KernelConverger c =
        new KernelConverger(
            new ProcessCommandRunner(node, Duration.ofSeconds(30)), f, Clock.systemUTC());
    MirrorEntry mirror =
        new MirrorEntry(
            "s1",
            VmId.of(101),
            new NicId(0),
            InterfaceName.of("tap101i0"),
            Direction.EGRESS,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap900i0")),
            List.of());
    ConvergeReport r =
        c.converge(NodeMirrorPlan.of("n1", 1, List.of(mirror), List.of(), List.of()));
    assertThat(r.failures()).isEmpty();
    String tcBefore = tc();

    long without = sensorBytesFor(200);
    String id = captures.start(spec("tap101i0", Direction.EGRESS));
    ByteArrayOutputStream pcap = new ByteArrayOutputStream();
    long next = readUntil(id, pcap, 0, () -> pcap.size() >= 24, Duration.ofSeconds(10));
    String tcDuring = tc();
    long with = sensorBytesFor(200);
    readUntil(
        id, pcap, next, () -> frames(pcap.toByteArray(), FRAME) >= 200, Duration.ofSeconds(10));

    assertThat(frames(pcap.toByteArray(), FRAME))
        .as("the guest's frames in the capture")
        .isEqualTo(200);
    // Every data frame at the sensor in both runs; they may differ by an ARP frame (42 bytes).
    assertThat(without).isGreaterThanOrEqualTo(200L * FRAME);
    assertThat(Math.abs(with - without)).as("sensor bytes while capturing").isLessThan(FRAME);
    assertThat(tcDuring).isEqualTo(tcBefore);
    assertThat(captures.cancel(id)).isTrue();
    assertThat(captures.running()).isZero();
    assertThat(tc()).isEqualTo(tcBefore);
    assertThat(
            c.converge(NodeMirrorPlan.of("n1", 2, List.of(mirror), List.of(), List.of())).writes())
        .as("the converge finds nothing to do after a capture")
        .isZero();
  }

  @Test
  void aDeviceThatAppearsLaterIsCapturedFromWhenItAppears() throws Exception {
    String id = captures.start(spec("tap105i0", Direction.BOTH));
    ByteArrayOutputStream pcap = new ByteArrayOutputStream();
    long next = readUntil(id, pcap, 0, () -> false, Duration.ofMillis(500));
    assertThat(pcap.size()).as("nothing before the device exists").isZero();
    NetnsName late = lab.vm(node, 105, "198.18.1.105/24", true);
    next = readUntil(id, pcap, next, () -> pcap.size() >= 24, Duration.ofSeconds(10));
    lab.udp(late, "198.18.1.102", 50, 1000);
    readUntil(
        id, pcap, next, () -> frames(pcap.toByteArray(), FRAME) >= 50, Duration.ofSeconds(10));
    assertThat(frames(pcap.toByteArray(), FRAME)).isEqualTo(50);
  }

  @Test
  void theSessionsFilterRulesDecideWhatTheCaptureHolds() throws Exception {
    awaitPath();
    var rules = List.of(new FilterRule(Action.ACCEPT, Protocol.UDP, null, List.of(9)));
    String id =
        captures.start(
            new CaptureSpec(
                "s1",
                InterfaceName.of("tap101i0"),
                Direction.EGRESS,
                Optional.empty(),
                Duration.ofSeconds(30),
                1L << 24,
                Optional.of(BpfCompiler.compile(rules))));
    ByteArrayOutputStream pcap = new ByteArrayOutputStream();
    // tcpdump listens once it wrote its header (the job passes it on whatever the rules say).
    long next = readUntil(id, pcap, 0, () -> pcap.size() >= 24, Duration.ofSeconds(10));
    lab.udp(vm, "198.18.1.102", 10, 20, 900);
    lab.udp(vm, "198.18.1.102", 9, 30, 1000);
    lab.udp(vm, "198.18.1.102", 10, 20, 900);
    next =
        readUntil(
            id, pcap, next, () -> frames(pcap.toByteArray(), FRAME) >= 30, Duration.ofSeconds(10));
    readUntil(id, pcap, next, () -> false, Duration.ofMillis(500));
    assertThat(frames(pcap.toByteArray(), FRAME)).as("UDP port 9: mirrored").isEqualTo(30);
    assertThat(frames(pcap.toByteArray(), 942)).as("UDP port 10: not mirrored").isZero();
  }

  @Test
  void theByteLimitEndsTheCapture() throws Exception {
    awaitPath();
    String id =
        captures.start(
            new CaptureSpec(
                "s1",
                InterfaceName.of("tap101i0"),
                Direction.EGRESS,
                Optional.empty(),
                Duration.ofSeconds(30),
                10L * (FRAME + 16)));
    ByteArrayOutputStream pcap = new ByteArrayOutputStream();
    readUntil(id, pcap, 0, () -> pcap.size() >= 24, Duration.ofSeconds(10));
    lab.udp(vm, "198.18.1.102", 30, 1000);
    Captures.Read end = null;
    long from = pcap.size();
    for (int i = 0; i < 20 && (end == null || !end.ended()); i++) {
      end = captures.read(id, from, 1 << 20, 500).orElseThrow();
      pcap.write(end.bytes());
      from = end.offset() + end.bytes().length;
    }
    assertThat(end.ended()).isTrue();
    assertThat(end.reason()).isEqualTo("byte limit reached");
    // The limit counts every record (an ARP request may take one data frame's place).
    assertThat(frames(pcap.toByteArray(), FRAME)).isBetween(9, 10);
    assertThat(pcap.size()).isLessThanOrEqualTo(24 + 10 * (FRAME + 16));
  }

  /**
   * Until 101 reaches 102: a fresh bridge port forwards only once the kernel's link watch has seen
   * its carrier, up to a second after the veth came up.
   */
  private void awaitPath() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      long before = lab.bytes(peer, "eth0", "rx");
      lab.udp(vm, "198.18.1.102", 7, 1, 100);
      Thread.sleep(100);
      if (lab.bytes(peer, "eth0", "rx") - before >= 100) {
        return;
      }
    }
    throw new AssertionError("198.18.1.102 not reachable from 101");
  }

  private CaptureSpec spec(String device, Direction d) {
    return new CaptureSpec(
        "s1", InterfaceName.of(device), d, Optional.empty(), Duration.ofSeconds(30), 1L << 24);
  }

  private long sensorBytesFor(int count) throws InterruptedException {
    long before = lab.bytes(sensor, "eth0", "rx");
    lab.udp(vm, "198.18.1.102", count, 1000);
    Thread.sleep(200);
    return lab.bytes(sensor, "eth0", "rx") - before;
  }

  private String tc() {
    return Lab.sh("tc", "-n", node.value(), "qdisc", "show", "dev", "tap101i0")
        + Lab.sh("tc", "-n", node.value(), "filter", "show", "dev", "tap101i0", "ingress")
        + Lab.sh("ip", "-n", node.value(), "-o", "link", "show");
  }

  private long readUntil(
      String id,
      ByteArrayOutputStream into,
      long from,
      java.util.function.BooleanSupplier done,
      Duration max)
      throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      Captures.Read r = captures.read(id, from, 1 << 20, 200).orElseThrow();
      into.writeBytes(r.bytes());
      from = r.offset() + r.bytes().length;
    }
    return from;
  }

  /** Records of exactly {@code length} bytes on the wire in a pcap stream. */
  static int frames(byte[] pcap, int length) {
    if (pcap.length < 24) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4) {
      b.order(ByteOrder.BIG_ENDIAN);
    }
    int n = 0;
    int at = 24;
    while (at + 16 <= pcap.length) {
      int incl = b.getInt(at + 8);
      int orig = b.getInt(at + 12);
      if (orig == length) {
        n++;
      }
      at += 16 + incl;
    }
    return n;
  }
}
