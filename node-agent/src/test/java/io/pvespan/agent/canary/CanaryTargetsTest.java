package io.pvespan.agent.canary;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.pvespan.plan.TunnelTarget;
import io.pvespan.status.EntryStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanaryTargetsTest {
  private static final InterfaceName SENSOR = InterfaceName.of("tap200i1");
  private static final InterfaceName TUNNEL = InterfaceName.of("pspv000064");
  private static final TunnelTarget REMOTE =
      new TunnelTarget(Encapsulation.VXLAN, TUNNEL, "198.18.0.2", Vni.of(100), null);

  private static MirrorEntry mirror(String session, String tap, MirrorTarget to) {
    return new MirrorEntry(
        session,
        VmId.of(Integer.parseInt(tap.substring(3, 6))),
        new NicId(0),
        InterfaceName.of(tap),
        Direction.BOTH,
        EntryState.ACTIVE,
        to,
        List.of());
  }

  private static EntryStatus state(String session, String tap, String state) {
    return new EntryStatus(session, InterfaceName.of(tap), Direction.BOTH, state, null, 0, 0);
  }

  @Test
  void oneCanaryPerSessionAndTargetOfTheActiveMirrorsOnly() {
    NodeMirrorPlan plan =
        NodeMirrorPlan.of(
            "pve1",
            1,
            List.of(
                mirror("local", "tap101i0", new LocalTarget(SENSOR)),
                mirror("local", "tap102i0", new LocalTarget(SENSOR)),
                mirror("remote", "tap103i0", REMOTE),
                mirror("waits", "tap104i0", REMOTE),
                mirror("fails", "tap105i0", REMOTE)),
            List.of(),
            List.of());
    List<EntryStatus> entries =
        List.of(
            state("local", "tap101i0", "active"),
            state("local", "tap102i0", "active"),
            state("remote", "tap103i0", "active"),
            state("waits", "tap104i0", "waiting"),
            state("fails", "tap105i0", "failed"),
            // a delivery row (no direction) names no mirror
            new EntryStatus("remote", TUNNEL, null, "active", null, 0, 0));

    assertThat(CanaryTargets.sends(plan, entries))
        .containsExactly(
            new CanaryTargets.Send("local", SENSOR), new CanaryTargets.Send("remote", TUNNEL));
    assertThat(CanaryTargets.sends(plan, List.of())).as("nothing converged yet").isEmpty();
  }

  @Test
  void canariesCountAtDeliveredAndLocalSensorDevicesForTheirSessionsOnly() {
    NodeMirrorPlan plan =
        NodeMirrorPlan.of(
            "pve2",
            1,
            List.of(mirror("local", "tap101i0", new LocalTarget(SENSOR))),
            List.of(),
            List.of(
                new Delivery("remote", TUNNEL, SENSOR, EntryState.ACTIVE),
                new Delivery("other", TUNNEL, InterfaceName.of("tap201i0"), EntryState.ACTIVE),
                new Delivery("stopped", TUNNEL, InterfaceName.of("tap202i0"), EntryState.WAITING)));

    assertThat(CanaryTargets.watches(plan))
        .isEqualTo(
            Map.of(
                SENSOR, Set.of("local", "remote"), InterfaceName.of("tap201i0"), Set.of("other")));
  }
}
