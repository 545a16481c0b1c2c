package io.pvespan.agent.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.canary.CanaryFrame.CanaryKey;
import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.KernelConverger;
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
import io.pvespan.status.CanaryStatus;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canaries on a real kernel: a guest mirrored (by the real converger, with a filter that accepts
 * only TCP 443) to a local sensor. The agent's canaries reach the sensor guest and are counted at
 * the sensor's tap, the mirrored guest and its neighbour never receive one, the session's filter
 * does not stop them, and once the sensor's tap is gone they stop arriving.
 */
class CanaryIT {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private Lab lab;
  private NetnsName node;
  private NetnsName guest;
  private NetnsName neighbour;
  private NetnsName sensor;
  private Canaries canaries;

  @BeforeEach
  void setUp() {
    lab = new Lab("cnry");
    node = lab.node("n1");
    guest = lab.vm(node, 101, "198.18.7.101/24", true);
    neighbour = lab.vm(node, 102, "198.18.7.102/24", true);
    sensor = lab.vm(node, 900, null, false);
  }

  @AfterEach
  void tearDown() {
    if (canaries != null) {
      canaries.close();
    }
    lab.close();
  }

  @Test
  void canariesReachTheSensorOnlyAndStopWhenItsTapIsGone() throws Exception {
    NetnsName probe = lab.namespace("probe");
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
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap900i0")),
            List.of(new FilterRule(Action.ACCEPT, Protocol.TCP, null, List.of(443))));
    NodeMirrorPlan plan = NodeMirrorPlan.of("n1", 1, List.of(mirror), List.of(), List.of());
    ConvergeReport r = c.converge(plan);
    assertThat(r.failures()).isEmpty();
    List<EntryStatus> entries = r.entries();
    assertThat(entries).extracting(EntryStatus::state).containsExactly("active");
    // What arrives of ethertype 0x88b5 inside each guest (other stray frames do not count).
    Sniffer guestSees = new Sniffer(guest);
    Sniffer neighbourSees = new Sniffer(neighbour);
    Sniffer sensorSees = new Sniffer(sensor);

    canaries =
        new Canaries(
            "n1",
            Optional.of(node),
            CanaryKey.of(Optional.of("token")),
            INTERVAL,
            () -> Optional.of(plan),
            () -> new NodeMirrorStatus(null, null, "n1", 1, null, null, entries, null, null, null),
            new Tcpdump(node),
            Clock.systemUTC());
    canaries.start();
    await(() -> received().map(x -> x.count() >= 3).orElse(false), "three canaries counted");

    CanaryStatus.Received got = received().orElseThrow();
    assertThat(got.sourceNode()).isEqualTo("n1");
    assertThat(got.device()).isEqualTo("tap900i0");
    assertThat(canaries.report().sent())
        .singleElement()
        .satisfies(s -> assertThat(s.error()).isNull())
        .satisfies(s -> assertThat(s.device()).isEqualTo("tap900i0"));
    assertThat(canaries.report().authenticated()).isTrue();
    assertThat(sensorSees.stop()).as("canaries at the sensor guest").isGreaterThanOrEqualTo(3);
    assertThat(guestSees.stop()).as("canaries the mirrored guest received").isZero();
    assertThat(neighbourSees.stop()).as("canaries its neighbour received").isZero();
    assertThat(c.converge(plan).writes()).as("canaries change nothing in tc").isZero();

    Lab.sh("ip", "-n", node.value(), "link", "del", "tap900i0");
    await(
        () ->
            canaries.report().sent().stream()
                .anyMatch(s -> s.error() != null && s.error().contains("absent")),
        "a send into the vanished tap fails");
    Instant last = received().map(CanaryStatus.Received::sentAt).orElseThrow();
    Thread.sleep(INTERVAL.toMillis() * 3);
    assertThat(received().map(CanaryStatus.Received::sentAt))
        .as("no canary is verified after the tap is gone")
        .hasValueSatisfying(t -> assertThat(t).isBeforeOrEqualTo(last));
  }

  private Optional<CanaryStatus.Received> received() {
    return canaries.report().received().stream().filter(x -> x.session().equals("s1")).findFirst();
  }

  /** tcpdump on a guest's eth0 for frames of ethertype 0x88b5 it receives. */
  private static final class Sniffer {
    private final Process p;
    private final java.nio.file.Path out;

    Sniffer(NetnsName ns) throws Exception {
      out = java.nio.file.Files.createTempFile("cnry-sniff", ".pcap");
      p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  ns.value(),
                  "tcpdump",
                  "-i",
                  "eth0",
                  "-p",
                  "-n",
                  "-U",
                  "-Q",
                  "in",
                  "--immediate-mode",
                  "-w",
                  out.toString(),
                  "ether",
                  "proto",
                  "0x88b5")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(300); // tcpdump has opened its socket (no event to wait for)
    }

    /** Stops tcpdump; the frames it wrote. */
    long stop() throws Exception {
      Thread.sleep(200);
      p.destroy();
      p.waitFor();
      long[] n = {0};
      try (var in = java.nio.file.Files.newInputStream(out)) {
        PcapReader.read(in, frame -> n[0]++);
      }
      java.nio.file.Files.delete(out);
      return n[0];
    }
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }
}
