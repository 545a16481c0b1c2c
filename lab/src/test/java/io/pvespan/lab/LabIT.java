package io.pvespan.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab itself, with no pvespan in it: a hand-made tc mirror (u32 + mirred, only here) delivers
 * every byte to the sensor, locally and through a VXLAN on the underlay; migration and restart move
 * and recreate the devices; teardown leaves nothing behind, also after a failure.
 */
class LabIT {
  private static final long BYTES = 2_000_000;
  private String prefix;
  private Lab lab;

  @BeforeEach
  void up() {
    // A lab test that cannot run must fail loudly, never skip.
    assertThat(LabPreflight.problem()).isNull();
    prefix = LabTopology.randomPrefix("psple");
    lab = Lab.up(LabTopology.threeNodes(prefix));
  }

  @AfterEach
  void down() {
    if (lab != null) {
      lab.close();
    }
    assertThat(LabTeardown.namespaces(prefix)).isEmpty();
  }

  @Test
  void buildsEveryNamespaceWithProxmoxDeviceNames() {
    assertThat(LabTeardown.namespaces(prefix))
        .containsExactlyInAnyOrder(
            prefix + "-ul",
            prefix + "-ctl",
            prefix + "-pve1",
            prefix + "-pve2",
            prefix + "-pve3",
            prefix + "-vm101",
            prefix + "-vm102",
            prefix + "-vm103",
            prefix + "-vm200",
            prefix + "-vm201");
    assertThat(links(prefix + "-pve1")).contains("tap101i0", "tap102i0", "tap200i0", "tap200i1");
    assertThat(links(prefix + "-pve2")).contains("veth103i0").doesNotContain("tap101i0");
    assertThat(links(prefix + "-pve3")).contains("tap201i1");
    // The controller host reaches a node over the underlay, and VMs reach each other across nodes.
    Iperf.transfer(lab, prefix + "-ctl", prefix + "-pve3", "198.18.0.3", 100_000);
    Iperf.transfer(lab, 103, 101, 100_000);
  }

  @Test
  void sensorReceivesNothingWithoutAMirror() {
    LinkCounters before = lab.vmCounters(200, 1);
    Iperf.transfer(lab, 101, 200, BYTES);
    assertThat(lab.vmCounters(200, 1).minus(before).rxBytes()).isZero();
  }

  @Test
  void handMadeLocalMirrorDeliversEveryByteToTheSensor() {
    String pve1 = prefix + "-pve1";
    tc(pve1, "qdisc", "add", "dev", "tap101i0", "clsact");
    for (String dir : List.of("ingress", "egress")) {
      tc(
          pve1,
          "filter",
          "add",
          "dev",
          "tap101i0",
          dir,
          "prio",
          "10",
          "u32",
          "match",
          "u32",
          "0",
          "0",
          "action",
          "mirred",
          "egress",
          "mirror",
          "dev",
          "tap200i1");
    }
    assertMirrored(101, () -> Iperf.transfer(lab, 101, 200, BYTES));
  }

  @Test
  void handMadeVxlanMirrorCrossesTheUnderlay() {
    String pve1 = prefix + "-pve1";
    String pve2 = prefix + "-pve2";
    LabBuilder.ip(
        pve2,
        "link",
        "add",
        "pspx42",
        "type",
        "vxlan",
        "id",
        "42",
        "local",
        "198.18.0.2",
        "remote",
        "198.18.0.1",
        "dstport",
        "4789",
        "dev",
        "ul0");
    LabBuilder.ip(pve2, "link", "set", "pspx42", "up");
    LabBuilder.ip(
        pve1,
        "link",
        "add",
        "pspx42",
        "type",
        "vxlan",
        "id",
        "42",
        "local",
        "198.18.0.1",
        "dstport",
        "4789",
        "dev",
        "ul0");
    LabBuilder.ip(pve1, "link", "set", "pspx42", "up");
    tc(pve2, "qdisc", "add", "dev", "veth103i0", "clsact");
    for (String dir : List.of("ingress", "egress")) {
      tc(
          pve2,
          "filter",
          "add",
          "dev",
          "veth103i0",
          dir,
          "prio",
          "10",
          "u32",
          "match",
          "u32",
          "0",
          "0",
          "action",
          "mirred",
          "egress",
          "mirror",
          "dev",
          "pspx42");
    }
    tc(pve1, "qdisc", "add", "dev", "pspx42", "clsact");
    tc(
        pve1,
        "filter",
        "add",
        "dev",
        "pspx42",
        "ingress",
        "prio",
        "10",
        "u32",
        "match",
        "u32",
        "0",
        "0",
        "action",
        "mirred",
        "egress",
        "redirect",
        "dev",
        "tap200i1");
    assertMirrored(103, () -> Iperf.transfer(lab, 103, 200, BYTES));
  }

  @Test
  void migrationMovesTheDevicesAndTheVmKeepsTalking() {
    lab.migrate(101, "pve3");
    assertThat(links(prefix + "-pve1")).doesNotContain("tap101i0");
    assertThat(links(prefix + "-pve3")).contains("tap101i0");
    assertThat(lab.vm(101).node()).isEqualTo("pve3");
    Iperf.transfer(lab, 101, 200, 100_000);
    lab.migrate(101, "pve1");
    assertThat(links(prefix + "-pve1")).contains("tap101i0");
    assertThat(links(prefix + "-pve3")).doesNotContain("tap101i0");
  }

  @Test
  void restartRecreatesTheDevices() {
    String before = ifindex(prefix + "-pve1", "tap102i0");
    lab.stop(102);
    assertThat(links(prefix + "-pve1")).doesNotContain("tap102i0");
    lab.start(102);
    assertThat(ifindex(prefix + "-pve1", "tap102i0")).isNotEqualTo(before);
    Iperf.transfer(lab, 102, 200, 100_000);
  }

  @Test
  void teardownRemovesStaleNamespacesAndRunsAfterAFailure() {
    lab.close();
    // A crashed run: a namespace with a process still inside it.
    Exec.run(Exec.IP, "netns", "add", prefix + "-stale");
    Process sleeper =
        Exec.start(
            List.of(Exec.IP, "netns", "exec", prefix + "-stale", "/usr/bin/sleep", "600"), null);
    try {
      assertThatThrownBy(
              () -> {
                try (Lab failing = Lab.up(LabTopology.threeNodes(prefix))) {
                  assertThat(LabTeardown.namespaces(prefix)).doesNotContain(prefix + "-stale");
                  throw new IllegalStateException("the test failed here");
                }
              })
          .hasMessage("the test failed here");
      assertThat(LabTeardown.namespaces(prefix)).isEmpty();
      assertThat(sleeper.isAlive()).isFalse();
    } finally {
      sleeper.destroyForcibly();
      LabTeardown.removeAll(prefix);
    }
  }

  /** Bytes seen at the sensor (200 net1) equal the source VM's net0 bytes, within 1%. */
  private void assertMirrored(int sourceVm, Runnable traffic) {
    LinkCounters sourceBefore = lab.vmCounters(sourceVm, 0);
    LinkCounters sensorBefore = lab.vmCounters(200, 1);
    traffic.run();
    long sent = lab.vmCounters(sourceVm, 0).minus(sourceBefore).totalBytes();
    assertThat(sent).as("bytes on the wire").isGreaterThan(100_000);
    LongSupplier seen = () -> lab.vmCounters(200, 1).minus(sensorBefore).rxBytes();
    // Mirrored copies may still be in flight (VXLAN): poll with a deadline.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Math.abs(seen.getAsLong() - sent) > sent / 100 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(seen.getAsLong())
        .isCloseTo(sent, org.assertj.core.data.Percentage.withPercentage(1));
  }

  private static void tc(String ns, String... args) {
    var argv = new java.util.ArrayList<>(List.of(Exec.TC, "-n", ns));
    argv.addAll(List.of(args));
    Exec.run(argv);
  }

  private static String links(String ns) {
    return Exec.run(Exec.IP, "-n", ns, "-o", "link", "show");
  }

  private static String ifindex(String ns, String dev) {
    String line = Exec.run(Exec.IP, "-n", ns, "-o", "link", "show", "dev", dev);
    return line.substring(0, line.indexOf(':'));
  }
}
