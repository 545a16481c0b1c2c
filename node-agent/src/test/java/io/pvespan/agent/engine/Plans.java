package io.pvespan.agent.engine;

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
import java.util.List;

/** Small builders for plans in tests. */
final class Plans {
  private Plans() {}

  static MirrorEntry mirror(
      String session, int vmid, Direction d, MirrorTarget target, FilterRule... rules) {
    return new MirrorEntry(
        session,
        VmId.of(vmid),
        new NicId(0),
        InterfaceName.of("tap" + vmid + "i0"),
        d,
        EntryState.ACTIVE,
        target,
        List.of(rules));
  }

  static LocalTarget local(String dev) {
    return new LocalTarget(InterfaceName.of(dev));
  }

  static TunnelTarget vxlanTarget(String dev, String remote, int vni) {
    return new TunnelTarget(Encapsulation.VXLAN, InterfaceName.of(dev), remote, Vni.of(vni), null);
  }

  static TunnelDevice vxlanSend(String dev, String local, String remote, int vni) {
    return new TunnelDevice(
        InterfaceName.of(dev),
        Encapsulation.VXLAN,
        TunnelRole.SEND,
        local,
        remote,
        Vni.of(vni),
        null,
        4789,
        1450);
  }

  static TunnelDevice vxlanReceive(String dev, String local, int vni) {
    return new TunnelDevice(
        InterfaceName.of(dev),
        Encapsulation.VXLAN,
        TunnelRole.RECEIVE,
        local,
        null,
        Vni.of(vni),
        null,
        4789,
        1450);
  }

  static Delivery delivery(String session, String from, String to) {
    return new Delivery(session, InterfaceName.of(from), InterfaceName.of(to), EntryState.ACTIVE);
  }

  static NodeMirrorPlan plan(long gen, List<MirrorEntry> mirrors) {
    return NodeMirrorPlan.of("node1", gen, mirrors, List.of(), List.of());
  }

  /** {@code m} with {@code standby} targets and {@code exclusions} instead of its own. */
  static MirrorEntry with(
      MirrorEntry m,
      List<io.pvespan.plan.MirrorTarget> standby,
      List<io.pvespan.plan.Exclusion> exclusions) {
    return new MirrorEntry(
        m.session(),
        m.vmid(),
        m.nic(),
        m.device(),
        m.direction(),
        m.state(),
        m.target(),
        m.filter(),
        m.rateLimited(),
        standby,
        m.sample(),
        exclusions);
  }
}
