package io.pvespan.lab.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered argument lists, against pve-common Network.pm's order (no root needed). */
class GuestSequencesTest {
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
  void vmStartOnPlainBridgeWithoutRateEndsWithTheFourTolerantDeletes() {
    PlannedSequence s = GuestSequences.vmStart(NS, PLAIN, NIC, "pvlc-vm", OPTS);
    assertThat(lines(s))
        .containsExactly(
            "link add tap101i0 type veth peer name eth0 netns pvlc-vm address BC:24:11:00:00:01",
            "link set tap101i0 up promisc on mtu 1500",
            "link set tap101i0 mtu 1500",
            "link set tap101i0 master vmbr0",
            "class del dev tap101i0 parent 1: classid 1:1",
            "filter del dev tap101i0 parent ffff: protocol all pref 50 u32",
            "qdisc del dev tap101i0 ingress",
            "qdisc del dev tap101i0 root",
            "link set eth0 up");
    assertThat(s.commands().get(0).argv()).startsWith("/usr/sbin/ip", "-n", NS);
    assertThat(s.commands().get(4).argv().get(0)).isEqualTo("/usr/sbin/tc");
    assertThat(s.commands().subList(4, 8)).allMatch(ProxmoxCommand::failureTolerated);
    assertThat(s.commands().get(3).failureTolerated()).isFalse();
    assertThat(s.commands().get(2).failureTolerated()).isTrue(); // eval { ip link set mtu }
    assertThat(s.abortReason()).isEmpty();
  }

  @Test
  void rateAddsHtbClassIngressAndTheProbe50StandIn() {
    PlannedSequence s = GuestSequences.rateChange(NS, PLAIN, NIC.withRate(10.0), OPTS);
    assertThat(lines(s).subList(4, 8))
        .containsExactly(
            "qdisc add dev tap101i0 root handle 1: htb default 1",
            "class add dev tap101i0 parent 1: classid 1:1 htb rate 10485760bps burst 1048576b",
            "qdisc add dev tap101i0 handle ffff: ingress",
            "filter add dev tap101i0 parent ffff: prio 50 protocol all u32 match u32 0 0"
                + " action mirred egress mirror dev ctr0");
    assertThat(s.commands().subList(4, 8)).noneMatch(ProxmoxCommand::failureTolerated);
    PlannedSequence noCounter =
        GuestSequences.rateChange(NS, PLAIN, NIC.withRate(1.5), DriverOptions.defaults());
    assertThat(lines(noCounter).get(7)).endsWith("u32 match u32 0 0 flowid ffff:1");
    assertThat(lines(noCounter).get(5)).contains("rate 1572864bps");
  }

  @Test
  void firewallBuildsFwbrFwlnFwprThenRateLimitLast() {
    PlannedSequence s =
        GuestSequences.vmStart(NS, PLAIN, NIC.withFirewall(true).withRate(1.0), "vm", OPTS);
    List<String> l = lines(s);
    assertThat(l.subList(2, 13))
        .containsExactly(
            "link add fwbr101i0 type bridge",
            "link set fwbr101i0 up mtu 1500",
            "link add name fwln101i0 mtu 1500 type veth peer name fwpr101p0 mtu 1500",
            "link set fwln101i0 up mtu 1500",
            "link set fwpr101p0 up mtu 1500",
            "link set fwpr101p0 mtu 1500",
            "link set fwpr101p0 master vmbr0",
            "link set fwln101i0 mtu 1500",
            "link set fwln101i0 master fwbr101i0",
            "link set tap101i0 mtu 1500",
            "link set tap101i0 master fwbr101i0");
    assertThat(l.get(l.size() - 2)).startsWith("filter add dev tap101i0 parent ffff: prio 50");
  }

  @Test
  void vlanAwareBridgeDeletesDefaultVlansAndSetsPvidUntagged() {
    PlannedSequence s =
        GuestSequences.vmStart(NS, PLAIN.withVlanAware("vmbr0"), NIC.withTag(10), "vm", OPTS);
    assertThat(lines(s).subList(3, 6))
        .containsExactly(
            "link set tap101i0 master vmbr0",
            "vlan del dev tap101i0 vid 1-4094",
            "vlan add dev tap101i0 vid 10 pvid untagged");
    PlannedSequence untagged =
        GuestSequences.vmStart(NS, PLAIN.withVlanAware("vmbr0"), NIC, "vm", OPTS);
    assertThat(lines(untagged).subList(4, 7))
        .containsExactly(
            "vlan del dev tap101i0 vid 1-4094",
            "vlan add dev tap101i0 vid 2-4094",
            "vlan add dev tap101i0 vid 1 pvid untagged");
    assertThat(untagged.commands().get(4).argv()).startsWith("/usr/sbin/bridge", "-n", NS);
  }

  @Test
  void tagOnPlainBridgeUsesVmbrVTagOverThePhysicalPort() {
    NodeView withUplink =
        new NodeView(
            Map.of(
                "vmbr0", new NodeView.Link("vmbr0", 1500, null, "bridge", false),
                "eth1", new NodeView.Link("eth1", 1500, "vmbr0", "veth", false)));
    List<String> l = lines(GuestSequences.vmStart(NS, withUplink, NIC.withTag(10), "vm", OPTS));
    assertThat(l.subList(2, 11))
        .containsExactly(
            "link add vmbr0v10 type bridge",
            "link set vmbr0v10 mtu 1500",
            "link add link eth1 name eth1.10 type vlan id 10",
            "link set eth1.10 up",
            "link set eth1.10 mtu 1500",
            "link set eth1.10 master vmbr0v10",
            "link set vmbr0v10 up",
            "link set tap101i0 mtu 1500",
            "link set tap101i0 master vmbr0v10");
    PlannedSequence noUplink = GuestSequences.vmStart(NS, PLAIN, NIC.withTag(10), "vm", OPTS);
    assertThat(noUplink.abortReason()).contains("no physical interface on bridge 'vmbr0'");
  }

  @Test
  void missingBridgeDiesAfterQemuCreatedTheTap() {
    PlannedSequence s = GuestSequences.vmStart(NS, new NodeView(Map.of()), NIC, "vm", OPTS);
    assertThat(s.commands()).hasSize(1);
    assertThat(s.abortReason()).contains("bridge 'vmbr0' does not exist");
  }

  @Test
  void stopUnplugsRemovesFirewallDevicesThenTheTapGoes() {
    NodeView running =
        new NodeView(
            Map.of(
                "vmbr0", new NodeView.Link("vmbr0", 1500, null, "bridge", false),
                "fwbr101i0", new NodeView.Link("fwbr101i0", 1500, null, "bridge", false),
                "fwln101i0", new NodeView.Link("fwln101i0", 1500, "fwbr101i0", "veth", false),
                "fwpr101p0", new NodeView.Link("fwpr101p0", 1500, "vmbr0", "veth", false),
                "tap101i0", new NodeView.Link("tap101i0", 1500, "fwbr101i0", "veth", false)));
    PlannedSequence s = GuestSequences.vmStop(NS, running, NIC);
    assertThat(lines(s))
        .containsExactly(
            "link set tap101i0 nomaster",
            "link delete dev fwln101i0",
            "link delete dev fwbr101i0",
            "link delete dev tap101i0");
    assertThat(s.commands().get(3).actor()).isEqualTo(Actor.GUEST_RUNTIME);
    PlannedSequence change = GuestSequences.bridgeChange(NS, running, NIC, OPTS);
    assertThat(lines(change).subList(0, 5))
        .containsExactly(
            "link set tap101i0 nomaster",
            "link delete dev fwln101i0",
            "link delete dev fwbr101i0",
            "link set tap101i0 mtu 1500",
            "link set tap101i0 master vmbr0");
  }
}
