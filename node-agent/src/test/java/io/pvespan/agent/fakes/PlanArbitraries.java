package io.pvespan.agent.fakes;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.FilterRule;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Valid plans for {@link Plans#NODE} (every one passes the validator: a property checks it), and
 * the hostile values a stolen credential would put into one.
 */
public final class PlanArbitraries {
  /** Strings for any string field: host devices, injection, unicode, lengths, near misses. */
  public static final List<String> HOSTILE_STRINGS =
      List.of(
          "eth0",
          "lo",
          "vmbr0",
          "fwbr100i0",
          "fwpr100p0",
          "fwln100i0",
          "bond0",
          "pspx1",
          "tap100i0",
          "tap0i0",
          "tap100i100",
          "veth100i0.1",
          "tap1;reboot",
          "$(id)",
          "`id`",
          "tap100i0 lo",
          "-tap100i0",
          "tap100i0\u0000",
          "\uff54\uff41\uff50100i0",
          "tap100i0\u202e",
          "x".repeat(16),
          "x".repeat(5000),
          "",
          " ",
          "198.18.0.1",
          "127.0.0.1",
          "0.0.0.0/0",
          "::1",
          "localhost",
          "198.18.0.1; reboot",
          "pve2",
          "NodeMirrorPlan",
          "pvespan.io/v1alpha1",
          "sha256:" + "0".repeat(64),
          "local",
          "vxlan",
          "gre",
          "active",
          "both",
          "drop",
          "tcp");

  /** Numbers for any field: negative, zero, boundaries of int, long, JSON-exact, fractions. */
  public static final List<Number> HOSTILE_NUMBERS =
      List.of(
          -1,
          0,
          1,
          65536,
          4294967296L,
          Integer.MAX_VALUE,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          (1L << 53) + 1,
          3.9,
          -0.0,
          1e30,
          new java.math.BigInteger("99999999999999999999999"));

  private PlanArbitraries() {}

  /** A valid plan: local and tunnel mirrors, standby targets, filters, tunnels and deliveries. */
  public static Arbitrary<NodeMirrorPlan> plans() {
    Arbitrary<List<MirrorDraft>> mirrors = mirrorDraft().list().ofMaxSize(4);
    Arbitrary<Integer> receivers = Arbitraries.integers().between(0, 2);
    Arbitrary<Long> generation = Arbitraries.longs().between(0, 1000);
    return Combinators.combine(mirrors, receivers, generation).as(PlanArbitraries::plan);
  }

  /** One mirror before names are made unique: the plan numbers sessions and tunnels. */
  record MirrorDraft(
      boolean veth,
      int vmid,
      int nic,
      Direction direction,
      EntryState state,
      int target,
      List<FilterRule> filter,
      boolean rateLimited,
      boolean standby) {}

  private static Arbitrary<MirrorDraft> mirrorDraft() {
    Arbitrary<Integer> vmid =
        Arbitraries.oneOf(
            Arbitraries.integers().between(VmId.MIN, 999),
            // veth + 9 digits + i31 would pass IFNAMSIZ: 8 digits at most.
            Arbitraries.integers().between(VmId.MIN, 99_999_999));
    Arbitrary<Integer> nic = Arbitraries.integers().between(0, NicId.MAX_INDEX);
    Arbitrary<Integer> target = Arbitraries.integers().between(0, 2); // local, vxlan, gre
    Arbitrary<Boolean> flag = Arbitraries.of(true, false);
    Arbitrary<Boolean> veth = flag;
    return Combinators.combine(
            veth,
            vmid,
            nic,
            Arbitraries.of(Direction.class),
            Arbitraries.of(EntryState.class),
            target,
            filterRule().list().ofMaxSize(2),
            flag)
        .flatAs(
            (v, id, n, d, s, t, f, r) ->
                flag.map(standby -> new MirrorDraft(v, id, n, d, s, t, f, r, standby)));
  }

  private static Arbitrary<FilterRule> filterRule() {
    Arbitrary<String> cidr =
        Arbitraries.of("198.18.0.0/15", "10.0.0.1", "2001:db8::/32", "0.0.0.0/0").injectNull(0.4);
    return Combinators.combine(
            Arbitraries.of(FilterRule.Action.class),
            Arbitraries.of(FilterRule.Protocol.TCP, FilterRule.Protocol.UDP),
            cidr,
            Arbitraries.integers().between(1, 65535).list().ofMaxSize(2).injectNull(0.5))
        .as(FilterRule::new);
  }

  private static NodeMirrorPlan plan(List<MirrorDraft> drafts, int receivers, long generation) {
    List<MirrorEntry> mirrors = new ArrayList<>();
    List<TunnelDevice> tunnels = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      MirrorDraft m = drafts.get(i);
      String prefix = m.veth() ? "veth" : "tap";
      InterfaceName device = InterfaceName.of(prefix + m.vmid() + "i" + m.nic());
      // Sensors get vmids outside the sources' range, so a target is never its own source.
      LocalTarget sensor = new LocalTarget(InterfaceName.of("tap" + (1_000_000 + i) + "i1"));
      MirrorTarget target = sensor;
      if (m.target() > 0) {
        Encapsulation type = m.target() == 1 ? Encapsulation.VXLAN : Encapsulation.GRE;
        String remote = "198.18.1." + (i + 1);
        Vni vni = type == Encapsulation.VXLAN ? Vni.of(4000 + i) : null;
        Long key = type == Encapsulation.VXLAN ? null : 4000L + i;
        InterfaceName tunnel = InterfaceName.of("pspx" + i);
        tunnels.add(
            new TunnelDevice(
                tunnel,
                type,
                TunnelRole.SEND,
                "198.18.0.1",
                remote,
                vni,
                key,
                type == Encapsulation.VXLAN ? 4789 : null,
                1450));
        target = new TunnelTarget(type, tunnel, remote, vni, key);
      }
      List<MirrorTarget> standby =
          m.standby() && target != sensor ? List.of(sensor) : List.<MirrorTarget>of();
      mirrors.add(
          new MirrorEntry(
              "s" + i,
              VmId.of(m.vmid()),
              new NicId(m.nic()),
              device,
              m.direction(),
              m.state(),
              target,
              m.filter(),
              m.rateLimited(),
              standby));
    }
    List<Delivery> deliveries = new ArrayList<>();
    for (int r = 0; r < receivers; r++) {
      InterfaceName from = InterfaceName.of("pspr" + r);
      tunnels.add(
          new TunnelDevice(
              from,
              Encapsulation.VXLAN,
              TunnelRole.RECEIVE,
              "198.18.0.1",
              null,
              Vni.of(5000 + r),
              null,
              4789,
              1450));
      deliveries.add(
          new Delivery("d" + r, from, InterfaceName.of("veth" + (2_000_000 + r) + "i0"), null));
    }
    return NodeMirrorPlan.of(Plans.NODE, generation, mirrors, tunnels, deliveries);
  }
}
