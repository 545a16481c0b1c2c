package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.Tool;
import org.junit.jupiter.api.Test;

/** Device names from monitor lines as this iproute2 prints them. */
class MonitorEventsTest {
  @Test
  void parsesIpAndTcMonitorLines() {
    assertThat(
            MonitorEvents.deviceOf(
                Tool.IP,
                "12: tap101i0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default"))
        .isEqualTo("tap101i0");
    assertThat(
            MonitorEvents.deviceOf(
                Tool.IP, "Deleted 12: tap101i0@if2: <BROADCAST,MULTICAST> mtu 1500"))
        .isEqualTo("tap101i0");
    assertThat(
            MonitorEvents.deviceOf(
                Tool.IP, "3: vmbr0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500"))
        .isEqualTo("vmbr0");
    assertThat(
            MonitorEvents.deviceOf(
                Tool.TC,
                "deleted qdisc ingress ffff: dev tap101i0 parent ffff:fff1 ----------------"))
        .isEqualTo("tap101i0");
    assertThat(
            MonitorEvents.deviceOf(
                Tool.TC, "filter dev tap101i0 ingress protocol all pref 7 u32 chain 0"))
        .isEqualTo("tap101i0");
    assertThat(
            MonitorEvents.deviceOf(
                Tool.IP, "    link/ether 62:3a:9b:46:b0:1e brd ff:ff:ff:ff:ff:ff"))
        .isNull();
  }
}
