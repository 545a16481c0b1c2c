package io.pvespan.lab.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Container sequences on {@code veth<vmid>i<n>} against the kernel. */
class ContainerLifecycleIT {
  private static final String NODE = "pvlc-node2";
  private static final String CT = "pvlc-ct300";
  private static final String VM = "pvlc-vm301";
  private static final NicConfig CT_NIC =
      NicConfig.vm(300, 0, "vmbr0", "BC:24:11:00:03:00").asKind(GuestKind.LXC);

  private LabNamespaces lab;
  private final LifecycleDriver driver =
      new LifecycleDriver(
          DriverOptions.defaults().withGap(Duration.ofMillis(2)).withCounterDevice("pvlcctr0"));

  @BeforeEach
  void lab() {
    lab = new LabNamespaces();
    lab.node(NODE);
    lab.namespace(CT);
    lab.namespace(VM);
  }

  @AfterEach
  void cleanup() {
    lab.close();
  }

  @Test
  void startWithFirewallAndRateThenTrafficThenStop() throws Exception {
    NicConfig nic = CT_NIC.withFirewall(true).withRate(20.0);
    assertThat(driver.ctStart(NODE, nic, CT).succeeded()).isTrue();
    assertThat(
            driver
                .vmStart(NODE, NicConfig.vm(301, 0, "vmbr0", "BC:24:11:00:03:01"), VM)
                .succeeded())
        .isTrue();
    assertThat(lab.link(NODE, "veth300i0").path("master").asText()).isEqualTo("fwbr300i0");
    assertThat(lab.link(NODE, "fwpr300p0").path("master").asText()).isEqualTo("vmbr0");
    assertThat(lab.link(CT, "eth0").path("address").asText()).isEqualTo("bc:24:11:00:03:00");
    assertThat(lab.qdiscKinds(NODE, "veth300i0")).contains("htb 1:", "ingress ffff:");

    lab.sh("/usr/sbin/ip", "-n", CT, "addr", "add", "198.18.4.1/24", "dev", "eth0");
    lab.sh("/usr/sbin/ip", "-n", VM, "addr", "add", "198.18.4.2/24", "dev", "eth0");
    lab.awaitPath(CT, "198.18.4.2", VM);
    long vethRx = lab.counter(NODE, "veth300i0", "rx");
    long ctrTx = lab.counter(NODE, "pvlcctr0", "tx");
    assertThat(lab.udp(CT, "198.18.4.2", 100).waitFor()).isZero();
    long sent = lab.counter(NODE, "veth300i0", "rx") - vethRx;
    assertThat(sent).isGreaterThanOrEqualTo(100);
    assertThat(lab.counter(NODE, "pvlcctr0", "tx") - ctrTx).isEqualTo(sent);

    assertThat(driver.ctStop(NODE, nic).failedCommands()).isEmpty();
    for (String dev : new String[] {"veth300i0", "fwbr300i0", "fwln300i0", "fwpr300p0"}) {
      assertThat(lab.link(NODE, dev)).as(dev).isNull();
    }
  }

  @Test
  void hotplugCreatesThePairWithVethCreateAndMovesThePeerIn() {
    SequenceResult r = driver.ctHotplug(NODE, CT_NIC, CT);
    assertThat(r.failedCommands()).isEmpty();
    assertThat(lab.link(NODE, "veth300i0").path("master").asText()).isEqualTo("vmbr0");
    assertThat(lab.link(CT, "eth0").path("address").asText()).isEqualTo("bc:24:11:00:03:00");
    assertThat(lab.link(CT, "eth0").path("flags").toString()).contains("UP");
  }
}
