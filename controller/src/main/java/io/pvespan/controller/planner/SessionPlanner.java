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
import io.pvespan.plan.Share;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.SourceSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans one (unpaused) session on its own into a {@link SessionOutcome}: the selected source NICs,
 * a local target or a SEND tunnel on each source node, and for a sensor VM fed from other nodes a
 * RECEIVE tunnel plus a delivery on the sensor's node. A roaming source guest ({@link Roaming}) is
 * also planned, waiting, on every node it may resume on; copies to a roaming sensor VM also go
 * ({@code standbyTargets}) to every node it may resume on, each with its RECEIVE tunnel and
 * delivery there. Records the session's warnings (MTU, duplicates, offline, roaming) and errors.
 * Node plans are assembled from the outcomes afterwards ({@link PlanAssembly}), so a re-plan can
 * redo one session and keep the others.
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

  /**
   * One member of a sensor group that a group session feeds: its Sensor's name, the key of its
   * tunnel ids ({@link TunnelIdAllocator#memberKey}) and its share of the flows.
   */
  record Member(String sensorRef, String idKey, Share share) {}

  /**
   * Resolves the session's sensor, selects its sources and plans them; a session that names a
   * sensor group is planned once per live member ({@link SensorGroupPlanner}).
   */
  SessionOutcome plan(MirrorSession session, Selection selection) {
    SensorGroup group = facts.groups().get(session.spec().sensorRef());
    if (group != null) {
      return SensorGroupPlanner.plan(this, index, facts, session, group, selection);
    }
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

  /**
   * Plans {@code selected} (the session's sources) into one group {@code member}, adding to {@code
   * parts} (not yet frozen) and {@code problems}; every mirror entry carries the member's share.
   * Returns false when the member's target did not resolve (the reason is an error).
   */
  boolean planMember(
      MirrorSession session,
      List<Guest> selected,
      Member member,
      Map<String, NodePart> parts,
      PlanProblems problems) {
    SensorTarget target =
        new TargetResolver(index, facts.sensors(), facts.tunnelIds(), problems)
            .resolve(session, member.sensorRef(), member.idKey());
    if (target == null) {
      return false;
    }
    Run run = new Run(session, target, parts, problems);
    run.share = member.share();
    run.plan(selected);
    return true;
  }

  /** One session's planning: its target, the parts it fills and its problems. */
  private final class Run {
    private final MirrorSession session;
    private final SensorTarget target;
    private final Map<String, NodePart> parts;
    private final PlanProblems problems;

    /** A group member's share of the copies (null: the session feeds one sensor). */
    private Share share;

    /** Sensor nodes that sources send to through tunnels: each needs a RECEIVE and a delivery. */
    private final Set<String> fed = new TreeSet<>();

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
      Map<String, List<Guest>> byNode = new TreeMap<>();
      // A roaming guest is also planned, waiting, on every node it may resume on (see Roaming).
      Map<String, List<Guest>> standbyByNode = new TreeMap<>();
      for (Guest guest : selected) {
        byNode.computeIfAbsent(guest.node(), n -> new ArrayList<>()).add(guest);
        String roaming = Roaming.reason(guest, index);
        if (roaming != null && hasSourceNic(guest)) {
          List<InventoryNode> elsewhere = Roaming.elsewhere(guest.node(), index);
          problems.warn(PlanWarnings.roamingGuest(guest.vmid(), roaming, elsewhere));
          for (InventoryNode node : elsewhere) {
            standbyByNode.computeIfAbsent(node.name(), n -> new ArrayList<>()).add(guest);
          }
        }
      }
      Set<String> nodes = new TreeSet<>(byNode.keySet());
      nodes.addAll(standbyByNode.keySet());
      for (String node : nodes) {
        planNode(
            node,
            byNode.getOrDefault(node, List.of()),
            standbyByNode.getOrDefault(node, List.of()));
      }
      if (target instanceof SensorTarget.VmSensor vm) {
        for (String node : fed) {
          deliver(vm, node);
        }
      }
    }

    private boolean hasSourceNic(Guest guest) {
      Set<NicId> ownSensorNics = facts.sensorNics().get(guest.vmid());
      for (GuestNic nic : guest.nics()) {
        if (isSource(session.spec().sources(), guest, nic.id(), ownSensorNics)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Plans one node: the guests that run there and, waiting, the roaming guests that may resume
     * there ({@code standby}).
     */
    private void planNode(String nodeName, List<Guest> guests, List<Guest> standby) {
      InventoryNode node = index.node(nodeName);
      if (node == null) {
        problems.warn(PlanWarnings.unknownNode(session.name(), nodeName, vmids(guests)));
        return;
      }
      if (!node.online() && !guests.isEmpty()) {
        problems.warn(PlanWarnings.offline(session.name(), nodeName, vmids(guests)));
      }
      MirrorSessionSpec spec = session.spec();
      SourceSelector sources = spec.sources();
      int overhead = target.encapsulation().overheadBytes();
      Targets targets = null;
      // Only NICs too big for the underlay once encapsulated, grouped by MTU (rarely any).
      Map<Integer, List<InterfaceName>> tooBig = new TreeMap<>();
      List<VmId> withEntries = new ArrayList<>();
      int running = guests.size();
      for (int g = 0; g < running + standby.size(); g++) {
        boolean here = g < running;
        Guest guest = here ? guests.get(g) : standby.get(g - running);
        Set<NicId> ownSensorNics = facts.sensorNics().get(guest.vmid());
        boolean any = false;
        for (GuestNic nic : guest.nics()) {
          if (!isSource(sources, guest, nic.id(), ownSensorNics)) {
            continue;
          }
          if (targets == null) {
            targets = targetsOn(node);
            if (targets == null) {
              return;
            }
          }
          InterfaceName device = guest.device(nic.id());
          EntryState state =
              here && guest.running() && !targets.sensorWaits()
                  ? EntryState.ACTIVE
                  : EntryState.WAITING;
          MirrorEntry entry =
              new MirrorEntry(
                      session.name(),
                      guest.vmid(),
                      nic.id(),
                      device,
                      spec.direction(),
                      state,
                      targets.target(),
                      spec.filter(),
                      nic.rate() != null && nic.rate() > 0,
                      targets.standby(),
                      spec.sample())
                  .conditioned(conditioner(spec, nic));
          part(nodeName).mirrors().add(share == null ? entry : entry.withShare(share));
          int mtu = nic.mtu() == null ? InventoryNode.DEFAULT_MTU : nic.mtu();
          if (here && mtu + overhead > node.mtu()) {
            tooBig.computeIfAbsent(mtu, m -> new ArrayList<>()).add(device);
          }
          any |= here;
        }
        if (any) {
          withEntries.add(guest.vmid());
        }
      }
      if (targets != null && targets.target() instanceof TunnelTarget) {
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
      // With duplicates suppressed (the default) OncePerSensor takes each such packet once.
      if (withEntries.size() >= 2
          && spec.direction() == Direction.BOTH
          && spec.duplicates() == MirrorSessionSpec.Duplicates.ALLOW) {
        problems.warn(PlanWarnings.duplicate(session.name(), nodeName, withEntries));
      }
    }

    /**
     * Where copies from {@code node} go: the target, and the standby targets of a roaming sensor
     * (its device here, or a SEND tunnel to each other node it may resume on). Adds the SEND
     * tunnels here and notes the sensor nodes they feed; null on an error (recorded).
     */
    private Targets targetsOn(InventoryNode node) {
      MirrorTarget primary = targetOn(node);
      if (primary == null) {
        return null;
      }
      boolean sensorWaits = primary instanceof LocalTarget && sensorStopped(target);
      if (!(target instanceof SensorTarget.VmSensor vm)) {
        return new Targets(primary, List.of(), sensorWaits);
      }
      if (primary instanceof TunnelTarget) {
        fed.add(vm.node().name());
      }
      List<MirrorTarget> standby = new ArrayList<>();
      for (InventoryNode other : vm.standby()) {
        if (other.name().equals(node.name())) {
          standby.add(new LocalTarget(vm.device()));
        } else if (node.address() != null) {
          // The very tunnel the settled plan uses should the sensor resume there.
          standby.add(send(node, other.address(), vm.idOn(other.name())));
          fed.add(other.name());
        }
      }
      return new Targets(primary, List.copyOf(standby), sensorWaits);
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
      return send(node, remote, id);
    }

    /** A SEND tunnel on {@code node} to {@code remote} with {@code id}, and the target into it. */
    private TunnelTarget send(InventoryNode node, String remote, long id) {
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

    /**
     * On a node that sources send to: receive the session's tunnel into a sensor on that node and
     * deliver it into the sensor; on a roaming sensor's standby node waiting for the sensor's
     * device to appear there. The tunnel is the same whether the sensor is settled there or on
     * standby.
     */
    private void deliver(SensorTarget.VmSensor vm, String nodeName) {
      boolean home = vm.node().name().equals(nodeName);
      InventoryNode node = index.node(nodeName);
      if (node.address() == null) {
        problems.error(noAddress(session, node));
        return;
      }
      long id = vm.idOn(nodeName);
      InterfaceName device = TunnelNames.of(vm.encapsulation(), id);
      NodePart part = part(node.name());
      part.tunnels().add(tunnel(device, vm.encapsulation(), TunnelRole.RECEIVE, node, null, id));
      part.deliveries()
          .add(
              new Delivery(
                  session.name(),
                  device,
                  vm.device(),
                  home && vm.guest().running() ? EntryState.ACTIVE : EntryState.WAITING));
    }
  }

  /** The targets of one session's copies from one node. */
  private record Targets(MirrorTarget target, List<MirrorTarget> standby, boolean sensorWaits) {}

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

  /**
   * The copy conditioner for {@code nic}'s copies: the session's snaplen and budget, and its VLAN
   * ({@code vlan: source}: the NIC's own {@code tag=}; an untagged NIC's copies stay untagged).
   */
  static io.pvespan.plan.Conditioner conditioner(MirrorSessionSpec spec, GuestNic nic) {
    Integer vlan = null;
    if (spec.vlan() != null) {
      vlan = spec.vlan().fromSource() ? nic.tag() : spec.vlan().id();
      if (vlan != null && (vlan < 1 || vlan > 4094)) {
        vlan = null; // a tag= Proxmox would refuse; the spec's own id is checked when loaded
      }
    }
    return io.pvespan.plan.Conditioner.of(spec.snaplen(), spec.budget(), vlan);
  }
}
