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
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import java.util.List;

/** Plans for tests: a local mirror, a remote one through VXLAN, and a delivery. */
public final class Plans {
  public static final String NODE = "pve1";

  private Plans() {}

  public static MirrorEntry local(String session, int vmid, String sensorTap) {
    return new MirrorEntry(
        session,
        VmId.of(vmid),
        new NicId(0),
        InterfaceName.of("tap" + vmid + "i0"),
        Direction.BOTH,
        EntryState.ACTIVE,
        new LocalTarget(InterfaceName.of(sensorTap)),
        null);
  }

  public static TunnelDevice sendTunnel(String device, String remote) {
    return new TunnelDevice(
        InterfaceName.of(device),
        Encapsulation.VXLAN,
        TunnelRole.SEND,
        "198.18.0.1",
        remote,
        Vni.of(4242),
        null,
        4789,
        1450);
  }

  public static TunnelDevice receiveTunnel(String device) {
    return new TunnelDevice(
        InterfaceName.of(device),
        Encapsulation.VXLAN,
        TunnelRole.RECEIVE,
        "198.18.0.2",
        null,
        Vni.of(4242),
        null,
        4789,
        1450);
  }

  public static MirrorEntry remote(String session, int vmid, String tunnel, String remote) {
    return new MirrorEntry(
        session,
        VmId.of(vmid),
        new NicId(0),
        InterfaceName.of("tap" + vmid + "i0"),
        Direction.INGRESS,
        EntryState.ACTIVE,
        new TunnelTarget(Encapsulation.VXLAN, InterfaceName.of(tunnel), remote, Vni.of(4242), null),
        null);
  }

  public static Delivery delivery(String session, String from, String sensorTap) {
    return new Delivery(
        session, InterfaceName.of(from), InterfaceName.of(sensorTap), EntryState.ACTIVE);
  }

  /** A valid plan for {@link #NODE} with one local mirror. */
  public static NodeMirrorPlan simple(long generation) {
    return NodeMirrorPlan.of(
        NODE, generation, List.of(local("dmz", 101, "tap900i0")), List.of(), List.of());
  }

  /** A valid plan with local, remote and delivery parts. */
  public static NodeMirrorPlan full(long generation) {
    return NodeMirrorPlan.of(
        NODE,
        generation,
        List.of(local("dmz", 101, "tap900i0"), remote("web", 102, "pspx1", "198.18.0.9")),
        List.of(sendTunnel("pspx1", "198.18.0.9"), receiveTunnel("pspr1")),
        List.of(delivery("web", "pspr1", "tap900i0")));
  }

  public static String json(NodeMirrorPlan plan) {
    return PlanJson.write(plan);
  }
}
