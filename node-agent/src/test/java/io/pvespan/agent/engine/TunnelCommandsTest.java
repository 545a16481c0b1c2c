package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.TunnelCommands;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.Vni;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GRE-family and Geneve tunnels (absent on this kernel): tested by the commands they render. */
class TunnelCommandsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "GRETAP|SEND|link add pspg1 mtu 1462 type gretap local 198.18.0.1 remote 198.18.0.2 key 77",
        "GRETAP|RECEIVE|link add pspg1 mtu 1462 type gretap local 198.18.0.1 key 77",
        "GRE|SEND|link add pspg1 mtu 1462 type gre local 198.18.0.1 remote 198.18.0.2 key 77",
        "ERSPAN|SEND|link add pspg1 mtu 1462 type erspan local 198.18.0.1 remote 198.18.0.2 seq key 77 erspan_ver 1 erspan 77",
      })
  void keyedTunnels(Encapsulation e, TunnelRole role, String expected) {
    TunnelDevice t =
        new TunnelDevice(
            InterfaceName.of("pspg1"),
            e,
            role,
            "198.18.0.1",
            role == TunnelRole.SEND ? "198.18.0.2" : null,
            null,
            77L,
            null,
            1462);
    assertThat(TunnelCommands.create(t))
        .extracting(CommandLine::batchLine)
        .containsExactly(expected, "link set dev pspg1 up");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SEND|link add pspn1 mtu 1450 type geneve id 9 remote 198.18.0.2 dstport 6081",
        "RECEIVE|link add pspn1 mtu 1450 type geneve id 9 external dstport 6081",
      })
  void geneve(TunnelRole role, String expected) {
    TunnelDevice t =
        new TunnelDevice(
            InterfaceName.of("pspn1"),
            Encapsulation.GENEVE,
            role,
            "198.18.0.1",
            role == TunnelRole.SEND ? "198.18.0.2" : null,
            Vni.of(9),
            null,
            null,
            1450);
    assertThat(TunnelCommands.create(t).get(0).batchLine()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"collector.example", "198.18.0.2;reboot", "198.18.0.2 dev eth0"})
  void aRemoteThatIsNoAddressNeverRenders(String remote) {
    TunnelDevice t =
        new TunnelDevice(
            InterfaceName.of("pspv1"),
            Encapsulation.VXLAN,
            TunnelRole.SEND,
            "198.18.0.1",
            remote,
            Vni.of(9),
            null,
            4789,
            1450);
    assertThatThrownBy(() -> TunnelCommands.create(t)).isInstanceOf(IllegalArgumentException.class);
  }
}
