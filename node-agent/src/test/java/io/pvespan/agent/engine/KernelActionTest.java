package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.FilterMatch;
import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every KernelAction variant renders to exact iproute2 lines; deletes only name what is ours. */
class KernelActionTest {
  private static final InterfaceName TAP = InterfaceName.of("tap101i0");
  private static final InterfaceName SENSOR = InterfaceName.of("tap900i0");
  private static final OwnershipCookie COOKIE = OwnershipCookie.of("id", "content");

  static final Map<Class<?>, KernelAction> SAMPLES =
      Map.of(
          KernelAction.CreateTunnel.class,
              new KernelAction.CreateTunnel(
                  Plans.vxlanSend("pspv10", "198.18.0.1", "198.18.0.2", 10)),
          KernelAction.DeleteTunnel.class,
              new KernelAction.DeleteTunnel(InterfaceName.of("pspv10")),
          KernelAction.FixTunnelLink.class,
              new KernelAction.FixTunnelLink(InterfaceName.of("pspv10"), 1450),
          KernelAction.AddIngressQdisc.class, new KernelAction.AddIngressQdisc(TAP),
          KernelAction.AddRootQdisc.class, new KernelAction.AddRootQdisc(TAP),
          KernelAction.DeleteOwnedRootQdisc.class, new KernelAction.DeleteOwnedRootQdisc(TAP),
          KernelAction.AddMirrorFilter.class,
              new KernelAction.AddMirrorFilter(
                  TAP,
                  TcSide.EGRESS,
                  "1:",
                  7,
                  new FilterMatch.U32All(),
                  MirredMode.MIRROR,
                  SENSOR,
                  COOKIE),
          KernelAction.DeleteOwnedFilter.class,
              new KernelAction.DeleteOwnedFilter(TAP, TcSide.INGRESS, null, 7, false));

  private static final InterfaceName Q = InterfaceName.of("pspq0a1b2c3d");
  private static final InterfaceName R = InterfaceName.of("pspr0a1b2c3d");

  /** The copy conditioner's variants. */
  static final Map<Class<?>, KernelAction> CONDITIONER_SAMPLES =
      Map.of(
          KernelAction.CreateConditioner.class, new KernelAction.CreateConditioner(Q, R),
          KernelAction.DeleteConditioner.class, new KernelAction.DeleteConditioner(Q),
          KernelAction.AddConditionerShaper.class,
              new KernelAction.AddConditionerShaper(R, io.pvespan.model.Bandwidth.parse("10Mbit")));

  @Test
  void everyVariantIsCoveredAndRenders() {
    Map<Class<?>, KernelAction> all = new java.util.HashMap<>(SAMPLES);
    all.putAll(CONDITIONER_SAMPLES);
    assertThat(all.keySet()).containsExactlyInAnyOrder(KernelAction.class.getPermittedSubclasses());
    for (KernelAction a : all.values()) {
      assertThat(a.commands()).as(a.toString()).isNotEmpty();
    }
  }

  private static List<String> lines(KernelAction a) {
    return a.commands().stream().map(CommandLine::batchLine).toList();
  }

  @Test
  void exactRendering() {
    assertThat(lines(SAMPLES.get(KernelAction.AddMirrorFilter.class)))
        .containsExactly(
            "filter add dev tap101i0 parent 1: prio 7 protocol all u32 match u32 0 0 action mirred egress mirror dev tap900i0 continue cookie "
                + COOKIE.hex());
    assertThat(
            lines(
                new KernelAction.AddMirrorFilter(
                    InterfaceName.of("pspr10"),
                    TcSide.INGRESS,
                    null,
                    7,
                    new FilterMatch.MatchAll(),
                    MirredMode.REDIRECT,
                    SENSOR,
                    COOKIE)))
        .containsExactly(
            "filter add dev pspr10 ingress prio 7 protocol all matchall action mirred egress redirect dev tap900i0 cookie "
                + COOKIE.hex());
    assertThat(lines(SAMPLES.get(KernelAction.AddIngressQdisc.class)))
        .containsExactly("qdisc add dev tap101i0 handle ffff: ingress");
    assertThat(lines(SAMPLES.get(KernelAction.AddRootQdisc.class)))
        .containsExactly("qdisc add dev tap101i0 root handle 7370: htb");
    assertThat(lines(SAMPLES.get(KernelAction.DeleteOwnedRootQdisc.class)))
        .containsExactly("qdisc del dev tap101i0 root handle 7370:");
    assertThat(lines(SAMPLES.get(KernelAction.DeleteOwnedFilter.class)))
        .containsExactly("filter del dev tap101i0 ingress prio 7");
    assertThat(lines(SAMPLES.get(KernelAction.CreateTunnel.class)))
        .containsExactly(
            "link add pspv10 mtu 1450 type vxlan id 10 local 198.18.0.1 remote 198.18.0.2 dstport 4789 nolearning",
            "link set dev pspv10 up");
  }

  @Test
  void conditionerRendering() {
    assertThat(lines(CONDITIONER_SAMPLES.get(KernelAction.CreateConditioner.class)))
        .containsExactly(
            "link add dev pspq0a1b2c3d mtu 65535 type veth peer name pspr0a1b2c3d mtu 65535",
            "link set dev pspq0a1b2c3d addrgenmode none",
            "link set dev pspr0a1b2c3d addrgenmode none",
            "link set dev pspr0a1b2c3d up",
            "link set dev pspq0a1b2c3d up");
    assertThat(lines(CONDITIONER_SAMPLES.get(KernelAction.DeleteConditioner.class)))
        .containsExactly("link del dev pspq0a1b2c3d");
    assertThat(lines(CONDITIONER_SAMPLES.get(KernelAction.AddConditionerShaper.class)))
        .containsExactly(
            "qdisc replace dev pspr0a1b2c3d root handle 7371: tbf rate 10000000bit burst 65536"
                + " latency 50ms");
    assertThat(
            lines(
                new KernelAction.AddMirrorFilter(
                    R,
                    TcSide.INGRESS,
                    null,
                    7,
                    new FilterMatch.Ebpf(java.nio.file.Path.of("/tmp/pvespan-c.o"), "snaplen", 128),
                    MirredMode.REDIRECT,
                    R,
                    COOKIE)))
        .containsExactly(
            "filter add dev pspr0a1b2c3d ingress prio 7 protocol all bpf obj /tmp/pvespan-c.o sec"
                + " snaplen classid 0:80 action mirred egress redirect dev pspr0a1b2c3d cookie "
                + COOKIE.hex());
    // Only the agent's own conditioner devices: never a guest's device, a bridge or a tunnel.
    for (String name : List.of("tap101i0", "vmbr0", "pspv10", "pspq123", "pspqXXXXXXXX")) {
      InterfaceName n = InterfaceName.of(name);
      assertThatThrownBy(() -> new KernelAction.DeleteConditioner(n))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new KernelAction.CreateConditioner(n, R))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () ->
                  new KernelAction.AddConditionerShaper(
                      n, io.pvespan.model.Bandwidth.parse("10Mbit")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void nothingOutsideOurMarksCanBeDeleted() {
    assertThatThrownBy(() -> new KernelAction.DeleteTunnel(InterfaceName.of("vmbr0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new KernelAction.DeleteOwnedFilter(TAP, TcSide.INGRESS, null, 50, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new KernelAction.DeleteOwnedFilter(TAP, TcSide.EGRESS, "1: ; reboot", 7, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
