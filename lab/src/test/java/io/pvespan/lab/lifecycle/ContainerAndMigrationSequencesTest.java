package io.pvespan.lab.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Container and migration sequences as rendered, and the driver's run semantics (no root). */
class ContainerAndMigrationSequencesTest {
  private static final String NS = "pvlc-n";
  private static final NodeView PLAIN =
      new NodeView(Map.of("vmbr0", new NodeView.Link("vmbr0", 1500, null, "bridge", false)));
  private static final NicConfig NIC = NicConfig.vm(101, 0, "vmbr0", "bc:24:11:00:00:01");
  private static final DriverOptions OPTS = DriverOptions.defaults().withCounterDevice("ctr0");

  private static List<String> lines(PlannedSequence s) {
    return s.commands().stream()
        .map(c -> String.join(" ", c.argv().subList(3, c.argv().size())))
        .toList();
  }

  @Test
  void containerStopDeletesTheVethThenThePoststopHookToleratesCleanup() {
    NicConfig ct = NIC.asKind(GuestKind.LXC).withFirewall(true);
    NodeView running =
        new NodeView(
            Map.of(
                "vmbr0", new NodeView.Link("vmbr0", 1500, null, "bridge", false),
                "fwbr101i0", new NodeView.Link("fwbr101i0", 1500, null, "bridge", false),
                "fwln101i0", new NodeView.Link("fwln101i0", 1500, "fwbr101i0", "veth", false),
                "veth101i0", new NodeView.Link("veth101i0", 1500, "fwbr101i0", "veth", false)));
    PlannedSequence s = ContainerSequences.ctStop(NS, running, ct);
    assertThat(lines(s))
        .containsExactly(
            "link delete dev veth101i0", "link delete dev fwln101i0", "link delete dev fwbr101i0");
    assertThat(s.commands().subList(1, 3)).allMatch(ProxmoxCommand::failureTolerated);
  }

  @Test
  void containerStartRunsLxcnetaddbrBeforeTapPlug() {
    List<String> l =
        lines(ContainerSequences.ctStart(NS, PLAIN, NIC.withRate(2.0), "pvlc-ct", OPTS));
    assertThat(l.subList(0, 5))
        .containsExactly(
            "link add veth101i0 type veth peer name eth0 netns pvlc-ct address BC:24:11:00:00:01",
            "link set dev veth101i0 up mtu 1500",
            "addr add 0.0.0.0/0 dev veth101i0",
            "link set veth101i0 mtu 1500",
            "link set veth101i0 master vmbr0");
    assertThat(l.get(l.size() - 2)).contains("prio 50");
  }

  @Test
  void switchoverSwapsInOneBatchProcess() {
    PlannedSequence s =
        MigrationSequences.switchover(
            "pvlc-vm",
            "pvlc-park",
            NIC,
            List.of("198.18.1.2/24"),
            List.of("default via 198.18.1.1"));
    assertThat(s.commands()).hasSize(3);
    assertThat(s.commands().get(1).stdin())
        .isEqualTo(
            "link set eth0 down\nlink set eth0 name pvlcout0\nlink set pvlcin0 name eth0\n"
                + "link set eth0 up\naddr add 198.18.1.2/24 dev eth0\n"
                + "route add default via 198.18.1.1 dev eth0\n");
    assertThat(s.commands()).allMatch(c -> c.actor() == Actor.LAB);
  }

  @Test
  void driverStopsAtTheFirstUntoleratedFailureAndSleepsTheGap() {
    List<Long> slept = new java.util.ArrayList<>();
    CommandExecutor fake =
        new CommandExecutor() {
          @Override
          public CommandResult run(ProxmoxCommand c) {
            int exit = c.display().contains("master") ? 2 : 0;
            return new CommandResult(c, exit, exit == 0 ? "" : "boom", 0, 1);
          }

          @Override
          public String read(List<String> argv) {
            return "[{\"ifname\":\"vmbr0\",\"mtu\":1500,\"linkinfo\":{\"info_kind\":\"bridge\"}}]";
          }
        };
    LifecycleDriver d =
        new LifecycleDriver(
            fake, OPTS.withGap(java.time.Duration.ofMillis(2)), g -> slept.add(g.toMillis()));
    SequenceResult r = d.vmStart(NS, NIC, "vm");
    assertThat(r.results()).hasSize(4);
    assertThat(r.failedCommands()).hasSize(1);
    assertThat(r.succeeded()).isFalse();
    assertThat(slept).containsExactly(2L, 2L, 2L);
    assertThat(Optional.of(r.failedCommands().get(0).stderr())).contains("boom");
  }
}
