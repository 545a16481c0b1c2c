package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.RecordingRunner;
import io.pvespan.model.Direction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The converger over a recorded fake runner: process budget, batching, failures as values. */
class KernelConvergerTest {
  private static final String LINKS =
      "[{\"ifname\":\"tap101i0\",\"flags\":[\"UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\"},{\"ifname\":\"tap900i0\",\"flags\":[\"UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\"}]";
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

  private static String answer(String line) {
    if (line.startsWith("link show dev ")) {
      String dev = line.substring("link show dev ".length());
      return "[{\"ifname\":\"" + dev + "\",\"flags\":[\"UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\"}]";
    }
    return line.equals("link show") ? LINKS : "[]";
  }

  @Test
  void appliesInOneBatchPerToolThenReadsBackAndReportsWhatStillDiffers() {
    RecordingRunner r = new RecordingRunner(KernelConvergerTest::answer, Set.of());
    KernelConverger c = new KernelConverger(r, KernelFeatures.full(), clock);
    ConvergeReport report =
        c.converge(
            Plans.plan(
                1, List.of(Plans.mirror("s1", 101, Direction.EGRESS, Plans.local("tap900i0")))));
    // observe (2) + one tc batch + tc read-back (1); the fake kernel does not change, so the
    // read-back finds the filter still missing and says so instead of throwing.
    assertThat(report.processesSpawned()).isEqualTo(4);
    assertThat(r.batches.get(1))
        .hasSize(2)
        .allMatch(l -> l.startsWith("qdisc add") || l.startsWith("filter add"));
    assertThat(report.writes()).isEqualTo(2);
    assertThat(report.failures())
        .anyMatch(f -> f.startsWith("after apply still missing: filter tap101i0 ingress prio 7"));
    assertThat(report.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("failed"));
    assertThat(report.driftFound())
        .singleElement()
        .satisfies(d -> assertThat(d.since()).isEqualTo(clock.instant()));
  }

  @Test
  void aPlugThatBeginsWhileItReadsTheKernelStopsItCreatingQdiscs() {
    RecordingRunner r = new RecordingRunner(KernelConvergerTest::answer, Set.of());
    KernelConverger c = new KernelConverger(r, KernelFeatures.full(), clock);
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    // Quiet when the converge starts; Proxmox's first tc event arrives before it writes.
    Holds plugBegins =
        () ->
            asked.getAndIncrement() == 0
                ? Set.of()
                : Set.of(io.pvespan.model.InterfaceName.of("tap101i0"));
    ConvergeReport report =
        c.converge(
            Plans.plan(
                1, List.of(Plans.mirror("s1", 101, Direction.EGRESS, Plans.local("tap900i0")))),
            plugBegins);
    assertThat(report.processesSpawned()).isEqualTo(2); // the two reads, no write at all
    assertThat(r.batches).allSatisfy(b -> assertThat(b).noneMatch(l -> l.contains(" add ")));
    assertThat(report.writes()).isZero();
    assertThat(report.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo("waiting"));
  }

  @Test
  void nothingPlannedNothingOursMeansTwoProcessesAndNoWrites() {
    RecordingRunner r = new RecordingRunner(KernelConvergerTest::answer, Set.of());
    ConvergeReport report =
        new KernelConverger(r, KernelFeatures.full(), clock).converge(Plans.plan(1, List.of()));
    assertThat(report.processesSpawned()).isEqualTo(2);
    assertThat(report.writes()).isZero();
    assertThat(report.converged()).isTrue();
  }

  @Test
  void aFailingLineIsReportedWithTheKernelsMessage() {
    RecordingRunner r =
        new RecordingRunner(
            KernelConvergerTest::answer, Set.of("qdisc add dev tap101i0 handle ffff: ingress"));
    ConvergeReport report =
        new KernelConverger(r, KernelFeatures.full(), clock)
            .converge(
                Plans.plan(
                    1,
                    List.of(Plans.mirror("s1", 101, Direction.EGRESS, Plans.local("tap900i0")))));
    assertThat(report.failures())
        .contains("tc qdisc add dev tap101i0 handle ffff: ingress: Error: injected");
  }

  @Test
  void convergeDeviceIsNarrowForASourceFullForASensorAndFreeForAnUnplannedDevice() {
    var plan =
        Plans.plan(1, List.of(Plans.mirror("s1", 101, Direction.EGRESS, Plans.local("tap900i0"))));
    RecordingRunner r = new RecordingRunner(KernelConvergerTest::answer, Set.of());
    KernelConverger c = new KernelConverger(r, KernelFeatures.full(), clock);
    assertThat(c.convergeDevice(plan, "fwbr101i0").processesSpawned()).isZero();
    c.convergeDevice(plan, "tap101i0");
    assertThat(r.batches.get(0))
        .containsExactly("link show dev tap101i0", "link show dev tap900i0");
    assertThat(r.batches.get(1))
        .startsWith("qdisc show dev tap101i0", "filter show dev tap101i0 ingress");
    r.batches.clear();
    r.commands.clear();
    c.convergeDevice(plan, "tap900i0");
    assertThat(r.commands).containsExactly("ip link show"); // the full observation
    assertThat(c.convergeDevice(plan, "bad name;x").processesSpawned()).isPositive();
  }
}
