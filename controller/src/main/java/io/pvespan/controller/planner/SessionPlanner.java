package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SourceSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans one (unpaused) session on its own into a {@link SessionOutcome}: the selected source NICs,
 * a local target or a SEND tunnel on each source node, and for a sensor VM fed from other nodes a
 * RECEIVE tunnel plus a delivery on the sensor's node. Records the session's warnings (MTU,
 * duplicates, offline) and errors. Node plans are assembled from the outcomes afterwards ({@link
 * PlanAssembly}), so a re-plan can redo one session and keep the others.
 */
final class SessionPlanner {
  /** Where a session's selected guests come from: the full index, or a re-plan's update. */
  @FunctionalInterface
  interface Selection {
    /**
     * The guests {@code sources} selects, sorted by vmid, each once (see {@link SourceMatcher}).
     */
    List<Guest> select(SourceSelector sources);
  }

  private final InventoryIndex index;
  private final SpecFacts facts;

  SessionPlanner(InventoryIndex index, SpecFacts facts) {
    this.index = index;
    this.facts = facts;
  }

  /** Resolves the session's sensor, selects its sources and plans them. */
  SessionOutcome plan(MirrorSession session, Selection selection) {
    PlanProblems problems = new PlanProblems();
    Sensor sensor = facts.sensors().get(session.spec().sensorRef());
    VmId sensorVmid =
        sensor == null || sensor.spec().vm() == null ? null : sensor.spec().vm().vmid();
    Map<String, NodePart> parts = new HashMap<>();
    SensorTarget target =
        new TargetResolver(index, facts.sensors(), facts.tunnelIds(), problems).resolve(session);
    List<Guest> selected = null;
    if (target != null) {
      selected = selection.select(session.spec().sources());
      new Run(session, target, parts, problems).plan(selected);
      parts.replaceAll((node, part) -> part.frozen());
    }
    return new SessionOutcome(
        sensorVmid,
        selected == null ? null : Collections.unmodifiableList(selected),
        Collections.unmodifiableMap(parts),
        problems.warnings(),
        problems.errors());
  }

  /** One session's planning: its target, the parts it fills and its problems. */
  private final class Run {
    private final MirrorSession session;
    private final SensorTarget target;
    private final Map<String, NodePart> parts;
    private final PlanProblems problems;

    Run(
        MirrorSession session,
        SensorTarget target,
        Map<String, NodePart> parts,
        PlanProblems problems) {
      this.session = session;
      this.target = target;
      this.parts = parts;
      this.problems = problems;
    }

    private NodePart part(String node) {
      return parts.computeIfAbsent(node, n -> NodePart.empty());
    }

    void plan(List<Guest> selected) {
      if (target instanceof SensorTarget.VmSensor vm && isSelected(selected, vm.guest().vmid())) {
        VmId id = vm.guest().vmid();
        problems.error(
            "session "
                + session.name()
                + ": guest "
                + id
                + " is selected as a source but is sensor "
                + vm.sensor()
                + ", which this session feeds (a mirror loop); exclude it with"
                + " sources.exclude.vmids: ["
                + id
                + "]");
        return;
      }
      Map<String, List<Guest>> byNode = new HashMap<>();
      for (Guest guest : selected) {
        byNode.computeIfAbsent(guest.node(), n -> new ArrayList<>()).add(guest);
      }
      byNode = new TreeMap<>(byNode);
      boolean fedFromElsewhere = false;
      for (Map.Entry<String, List<Guest>> e : byNode.entrySet()) {
        fedFromElsewhere |= planNode(e.getKey(), e.getValue());
      }
      if (fedFromElsewhere && target instanceof SensorTarget.VmSensor vm) {
        deliver(vm);
      }
    }

    /** Plans the guests of one node; true when copies leave through a tunnel to a sensor VM. */
    private boolean planNode(String nodeName, List<Guest> guests) {
      InventoryNode node = index.node(nodeName);
      if (node == null) {
        problems.warn(PlanWarnings.unknownNode(session.name(), nodeName, vmids(guests)));
        return false;
      }
      if (!node.online()) {
        problems.warn(PlanWarnings.offline(session.name(), nodeName, vmids(guests)));
      }
      MirrorSessionSpec spec = session.spec();
      SourceSelector sources = spec.sources();
      int overhead = target.encapsulation().overheadBytes();
      MirrorTarget mirrorTarget = null;
      boolean sensorWaits = false;
      // Only NICs too big for the underlay once encapsulated, grouped by MTU (rarely any).
      Map<Integer, List<InterfaceName>> tooBig = new TreeMap<>();
      List<VmId> withEntries = new ArrayList<>();
      for (Guest guest : guests) {
        Set<NicId> ownSensorNics = facts.sensorNics().get(guest.vmid());
        boolean any = false;
        for (GuestNic nic : guest.nics()) {
          if (!isSource(sources, guest, nic.id(), ownSensorNics)) {
            continue;
          }
          if (mirrorTarget == null) {
            mirrorTarget = targetOn(node);
            if (mirrorTarget == null) {
              return false;
            }
            sensorWaits = mirrorTarget instanceof LocalTarget && sensorStopped(target);
          }
          InterfaceName device = guest.device(nic.id());
          EntryState state =
              guest.running() && !sensorWaits ? EntryState.ACTIVE : EntryState.WAITING;
          part(nodeName)
              .mirrors()
              .add(
                  new MirrorEntry(
                      session.name(),
                      guest.vmid(),
                      nic.id(),
                      device,
                      spec.direction(),
                      state,
                      mirrorTarget,
                      spec.filter()));
          int mtu = nic.mtu() == null ? InventoryNode.DEFAULT_MTU : nic.mtu();
          if (mtu + overhead > node.mtu()) {
            tooBig.computeIfAbsent(mtu, m -> new ArrayList<>()).add(device);
          }
          any = true;
        }
        if (any) {
          withEntries.add(guest.vmid());
        }
      }
      if (mirrorTarget instanceof TunnelTarget) {
        tooBig.forEach(
            (mtu, devices) ->
                problems.warn(
                    PlanWarnings.mtu(
                        session.name(),
                        nodeName,
                        devices,
                        mtu,
                        target.encapsulation(),
                        node.mtu())));
      }
      if (withEntries.size() >= 2 && spec.direction() == Direction.BOTH) {
        problems.warn(PlanWarnings.duplicate(session.name(), nodeName, withEntries));
      }
      return mirrorTarget instanceof TunnelTarget && target instanceof SensorTarget.VmSensor;
    }

    /** A NIC is a source when selected, not excluded, and not any sensor's own NIC. */
    private static boolean isSource(
        SourceSelector sources, Guest guest, NicId nic, Set<NicId> ownSensorNics) {
      if (sources.nics() != null && !sources.nics().contains(nic)) {
        return false;
      }
      if (SourceMatcher.excludedNic(sources.exclude(), guest, nic)) {
        return false;
      }
      return ownSensorNics == null || !ownSensorNics.contains(nic);
    }

    /** The target for sources on {@code node}; adds the SEND tunnel there when one is needed. */
    private MirrorTarget targetOn(InventoryNode node) {
      String remote;
      long id;
      if (target instanceof SensorTarget.VmSensor vm) {
        id = vm.id();
        if (vm.node().name().equals(node.name())) {
          return new LocalTarget(vm.device());
        }
        remote = vm.node().address();
        if (remote == null) {
          problems.error(noAddress(session, vm.node()));
          return null;
        }
      } else {
        SensorTarget.Collector collector = (SensorTarget.Collector) target;
        id = collector.id();
        remote = collector.address();
      }
      if (node.address() == null) {
        problems.error(noAddress(session, node));
        return null;
      }
      Encapsulation encapsulation = target.encapsulation();
      InterfaceName device = TunnelNames.of(encapsulation, id);
      part(node.name())
          .tunnels()
          .add(tunnel(device, encapsulation, TunnelRole.SEND, node, remote, id));
      return new TunnelTarget(
          encapsulation,
          device,
          remote,
          SensorTarget.vni(encapsulation, id),
          SensorTarget.key(encapsulation, id));
    }

    /** On the sensor's node: receive the session's tunnel and deliver it into the sensor. */
    private void deliver(SensorTarget.VmSensor vm) {
      InventoryNode node = vm.node();
      if (node.address() == null) {
        problems.error(noAddress(session, node));
        return;
      }
      InterfaceName device = TunnelNames.of(vm.encapsulation(), vm.id());
      NodePart part = part(node.name());
      part.tunnels()
          .add(tunnel(device, vm.encapsulation(), TunnelRole.RECEIVE, node, null, vm.id()));
      part.deliveries()
          .add(
              new Delivery(
                  session.name(),
                  device,
                  vm.device(),
                  vm.guest().running() ? EntryState.ACTIVE : EntryState.WAITING));
    }
  }

  private static TunnelDevice tunnel(
      InterfaceName device,
      Encapsulation encapsulation,
      TunnelRole role,
      InventoryNode local,
      String remote,
      long id) {
    // The device MTU is what fits the underlay once encapsulated, as the kernel would pick.
    int mtu = Math.max(68, local.mtu() - encapsulation.overheadBytes());
    return new TunnelDevice(
        device,
        encapsulation,
        role,
        local.address(),
        remote,
        SensorTarget.vni(encapsulation, id),
        SensorTarget.key(encapsulation, id),
        TunnelNames.dstPort(encapsulation),
        mtu);
  }

  private static boolean sensorStopped(SensorTarget target) {
    return target instanceof SensorTarget.VmSensor vm && !vm.guest().running();
  }

  private static String noAddress(MirrorSession session, InventoryNode node) {
    return "session "
        + session.name()
        + ": node "
        + node.name()
        + " has no address, and a tunnel needs one; set it in the inventory";
  }

  private static boolean isSelected(List<Guest> guests, VmId vmid) {
    for (Guest g : guests) {
      if (g.vmid().equals(vmid)) {
        return true;
      }
    }
    return false;
  }

  private static List<VmId> vmids(List<Guest> guests) {
    return guests.stream().map(Guest::vmid).toList();
  }
}
