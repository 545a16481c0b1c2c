package io.pvespan.controller.pve.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.inventory.GuestNic;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** netN property strings as qemu-server and pve-container write them. */
class NetConfigParserTest {
  @ParameterizedTest(name = "{0} {1}={2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // type | key | value | bridge | mac | firewall | rate | mtu | tag
        "qemu | net0 | virtio=BC:24:11:2E:C5:4A,bridge=vmbr0 | vmbr0 | BC:24:11:2E:C5:4A | false | - | - | -",
        "qemu | net1 | virtio=bc:24:11:aa:bb:cc,bridge=vmbr0,firewall=1,tag=10,rate=100,mtu=9000,link_down=1,queues=4 | vmbr0 | BC:24:11:AA:BB:CC | true | 100.0 | 9000 | 10",
        "qemu | net2 | model=e1000,macaddr=AA:BB:CC:DD:EE:FF,bridge=vmbr1,firewall=0 | vmbr1 | AA:BB:CC:DD:EE:FF | false | - | - | -",
        "qemu | net3 | virtio,bridge=vmbr0 | vmbr0 | - | false | - | - | -",
        "qemu | net4 | vmxnet3=00:00:00:00:00:31,bridge=vmbr31,rate=12.5,mtu=1 | vmbr31 | 00:00:00:00:00:31 | false | 12.5 | - | -",
        "qemu | net31 | e1000e=02:00:00:00:00:01,bridge=vmbr0,trunks=10;20-30,firewall=true | vmbr0 | 02:00:00:00:00:01 | true | - | - | -",
        "qemu | net5 | rtl8139=02:00:00:00:00:01 | - | 02:00:00:00:00:01 | false | - | - | -",
        "lxc | net0 | name=eth0,bridge=vmbr0,firewall=1,hwaddr=5D:CF:BD:B2:C5:39,ip=dhcp,type=veth | vmbr0 | 5D:CF:BD:B2:C5:39 | true | - | - | -",
        "lxc | net20 | name=eth20,bridge=vmbr20 | vmbr20 | - | false | - | - | -",
        "lxc | net1 | name=eth1,bridge=vmbr0,hwaddr=BC:24:11:2E:C5:7E,ip=10.0.0.2/24,gw=10.0.0.1,ip6=auto,tag=5,rate=2.5,mtu=1400,link_down=1,type=veth | vmbr0 | BC:24:11:2E:C5:7E | false | 2.5 | 1400 | 5",
      })
  void parses(
      String type,
      String key,
      String value,
      String bridge,
      String mac,
      boolean firewall,
      Double rate,
      Integer mtu,
      Integer tag) {
    GuestNic nic = NetConfigParser.parse(GuestType.parse(type), NicId.parse(key), value);

    assertThat(nic)
        .isEqualTo(new GuestNic(NicId.parse(key), bridge, mac, firewall, rate, mtu, tag));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "qemu | virtio=BC:24:11:2E:C5:4A,tag=99999 | net7: tag 99999 is outside 1..4094",
        "qemu | virtio=nonsense,bridge=vmbr0 | net7: 'nonsense' is not a MAC address",
        "qemu | rtl9999=02:00:00:00:00:01 | net7: no NIC model",
        "qemu | frobnicate | net7: unknown NIC model 'frobnicate'",
        "qemu | model=floppy,bridge=vmbr0 | net7: unknown NIC model 'floppy'",
        "qemu | virtio=02:00:00:00:00:01,,bridge=vmbr0 | net7: empty item",
        "qemu | virtio=02:00:00:00:00:01,bridge=vmbr0,bridge=vmbr1 | net7: 'bridge' given twice",
        "qemu | virtio=02:00:00:00:00:01,firewall=maybe | net7: firewall: 'maybe' is not a boolean",
        "qemu | virtio=02:00:00:00:00:01,rate=fast | net7: rate 'fast' is not a number of MB/s",
        "lxc | name=eth0,bridge | net7: 'bridge' has no value",
        "lxc | name=eth0,mtu=big | net7: mtu 'big' is not a number",
        "lxc | ' ' | net7: empty value",
        // Found by NetConfigParserPropertiesTest: the bridge was returned unchecked.
        "qemu | virtio=02:00:00:00:00:01,bridge=$(id) | net7: bridge '$(id)' is not a Linux interface name",
        "lxc | name=eth0,bridge=vmbr0;reboot | net7: bridge 'vmbr0;reboot' is not a Linux interface name",
        "lxc | name=eth0,bridge=averyveryverylongbridge | net7: bridge 'averyveryverylongbridge' is not",
      })
  void garbageIsOneLineNamingTheKey(String type, String value, String message) {
    assertThatThrownBy(() -> NetConfigParser.parse(GuestType.parse(type), new NicId(7), value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .hasMessageContaining("in '" + value + "'");
  }

  /** Found by NetConfigParserPropertiesTest: a value with a line break made a two-line error. */
  @Test
  void anErrorStaysOneLineWhenTheValueHoldsLineBreaks() {
    assertThatThrownBy(
            () -> NetConfigParser.parse(GuestType.LXC, new NicId(3), "name=eth0,tag=x\nnet4: ok"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "net3: tag 'x\\u000anet4: ok' is not a number in 'name=eth0,tag=x\\u000anet4: ok'");
  }

  @Test
  void anEmptyBridgeIsNoBridge() {
    assertThat(NetConfigParser.parse(GuestType.LXC, new NicId(0), "name=eth0,bridge=").bridge())
        .isNull();
  }
}
