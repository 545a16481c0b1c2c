package io.pvespan.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.model.Direction;
import io.pvespan.model.GuestType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's pure parts: names, addresses, counters and tc output parsing (no root needed). */
class LabModelTest {
  @Test
  void namespacesAndDevicesAreNamedAsTheReadmeSays() {
    LabTopology t = LabTopology.threeNodes("psplexyz1");
    assertThat(t.nodeNs("pve2")).isEqualTo("psplexyz1-pve2");
    assertThat(t.vmNs(200)).isEqualTo("psplexyz1-vm200");
    assertThat(t.underlayNs()).isEqualTo("psplexyz1-ul");
    assertThat(t.controllerNs()).isEqualTo("psplexyz1-ctl");
    LabVm sensor = t.vm(200);
    assertThat(sensor.hostDevice(sensor.nic(1))).isEqualTo("tap200i1");
    assertThat(sensor.address(0)).isEqualTo("198.19.0.200");
    assertThat(sensor.address(1)).as("capture NIC").isNull();
    assertThat(sensor.nic(1).bridge()).isEqualTo("vmbr9");
    LabVm lxc = t.vm(103);
    assertThat(lxc.hostDevice(lxc.nic(0))).isEqualTo("veth103i0");
  }

  @Test
  void randomPrefixesAreUniqueAndValid() {
    String a = LabTopology.randomPrefix("psple");
    String b = LabTopology.randomPrefix("psple");
    assertThat(a).startsWith("psple").hasSize(9).isNotEqualTo(b);
    LabTopology.threeNodes(a);
  }

  @Test
  void refusesWhatCouldEscapeTheLab() {
    assertThatThrownBy(() -> LabTopology.threeNodes("pspl;rm"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LabNode("pve1", "10.0.0.1")).hasMessageContaining("198.18.0.0/24");
    assertThatThrownBy(() -> new LabVm(999, GuestType.QEMU, "pve1", List.of(LabNic.plain(0))))
        .hasMessageContaining("100..254");
    assertThatThrownBy(
            () ->
                new LabTopology(
                    "pspl",
                    List.of(new LabNode("pve1", "198.18.0.1")),
                    List.of(new LabVm(101, GuestType.QEMU, "pve9", List.of(LabNic.plain(0))))))
        .hasMessageContaining("unknown node pve9");
  }

  @Test
  void countersComeFromIpJson() {
    String json =
        "[{\"ifname\":\"eth1\",\"stats64\":{\"rx\":{\"bytes\":1000,\"packets\":10},"
            + "\"tx\":{\"bytes\":20,\"packets\":1}}}]";
    LinkCounters c = LinkCounters.parse(json, "vm/eth1");
    assertThat(c).isEqualTo(new LinkCounters(1000, 10, 20, 1));
    assertThat(c.minus(new LinkCounters(400, 4, 20, 1)).totalBytes()).isEqualTo(600);
    assertThatThrownBy(() -> LinkCounters.parse("[{}]", "x")).isInstanceOf(LabException.class);
  }

  @Test
  void expectedBytesFollowTheDirectionSeenFromTheVm() {
    LinkCounters d = new LinkCounters(700, 7, 300, 3);
    assertThat(MirrorMeter.bytes(Direction.BOTH, d)).isEqualTo(1000);
    assertThat(MirrorMeter.bytes(Direction.INGRESS, d)).as("the VM receives").isEqualTo(700);
    assertThat(MirrorMeter.bytes(Direction.EGRESS, d)).as("the VM sends").isEqualTo(300);
  }

  @Test
  void mirredActionsAreReadFromTcJson() {
    String json =
        "[{\"protocol\":\"all\",\"pref\":10,\"kind\":\"u32\",\"chain\":0},"
            + "{\"protocol\":\"all\",\"pref\":10,\"kind\":\"u32\",\"options\":{\"fh\":\"800::800\","
            + "\"actions\":[{\"order\":1,\"kind\":\"mirred\",\"mirred_action\":\"mirror\","
            + "\"direction\":\"egress\",\"to_dev\":\"tap200i1\",\"cookie\":\"0a0b\"}]}},"
            + "{\"pref\":50,\"kind\":\"u32\",\"options\":{\"actions\":[{\"kind\":\"police\"}]}}]";
    assertThat(KernelView.parseFilters(json, "tap101i0", "ingress"))
        .containsExactly(new KernelView.Mirred("tap101i0", "ingress", 10, "mirror", "tap200i1"));
    assertThat(KernelView.parseFilters("", "tap101i0", "egress")).isEmpty();
  }
}
