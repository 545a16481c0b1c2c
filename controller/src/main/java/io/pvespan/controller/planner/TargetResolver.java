package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.Vni;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorVm;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves a session's {@code sensorRef} against the inventory. Encapsulation: the session's unless
 * {@code auto}, else the remote collector's, else VXLAN. Problems with the sensor itself (guest or
 * NIC missing) are errors; a stopped sensor or one on an offline node is a warning.
 */
final class TargetResolver {
  private final InventoryIndex index;
  private final Map<String, Sensor> sensors;
  private final Map<String, Map<String, Long>> ids;
  private final PlanProblems problems;

  TargetResolver(
      InventoryIndex index,
      Map<String, Sensor> sensors,
      Map<String, Map<String, Long>> ids,
      PlanProblems p) {
    this.index = index;
    this.sensors = sensors;
    this.ids = ids;
    this.problems = p;
  }

  /** The target, or null when it cannot be resolved (the reason is recorded as an error). */
  SensorTarget resolve(MirrorSession session) {
    return resolve(session, session.spec().sensorRef(), session.name());
  }

  /**
   * The target for {@code session}'s copies into Sensor {@code ref} (a group member's for a group
   * session), with the tunnel ids kept under {@code idKey}; null when it cannot be resolved.
   */
  SensorTarget resolve(MirrorSession session, String ref, String idKey) {
    Sensor sensor = sensors.get(ref);
    if (sensor == null) {
      problems.error(
          "session " + session.name() + ": sensorRef '" + ref + "' names no Sensor; define it");
      return null;
    }
    Encapsulation wanted = session.spec().encapsulation();
    if (sensor.spec().remote() != null) {
      return collector(session, sensor, sensor.spec().remote(), wanted);
    }
    return vmSensor(session, sensor, sensor.spec().vm(), wanted.resolve(), idKey);
  }

  private SensorTarget vmSensor(
      MirrorSession session,
      Sensor sensor,
      SensorVm vm,
      Encapsulation encapsulation,
      String idKey) {
    String name = "sensor " + sensor.name() + ": ";
    Guest guest = index.guest(vm.vmid());
    if (guest == null) {
      problems.error(name + "guest " + vm.vmid() + " is not in the inventory; fix spec.vm.vmid");
      return null;
    }
    GuestNic nic = guest.nic(vm.nic());
    if (nic == null) {
      String has = guest.nics().stream().map(n -> n.id().key()).collect(Collectors.joining(", "));
      problems.error(
          name
              + "guest "
              + vm.vmid()
              + " has no "
              + vm.nic()
              + " (it has: "
              + (has.isEmpty() ? "no NICs" : has)
              + "); fix spec.vm.nic");
      return null;
    }
    InventoryNode node = index.node(guest.node());
    if (node == null) {
      problems.error(
          name + "guest " + vm.vmid() + " is on node " + guest.node() + ", not in the inventory");
      return null;
    }
    List<InventoryNode> standby = List.of();
    String roaming = Roaming.reason(guest, index);
    if (roaming != null) {
      standby = Roaming.elsewhere(node.name(), index);
      problems.warn(PlanWarnings.roamingSensor(sensor.name(), guest.vmid(), roaming, standby));
    }
    if (!node.online() && standby.isEmpty()) {
      problems.warn(
          name
              + "guest "
              + vm.vmid()
              + " is on offline node "
              + node.name()
              + "; copies to it are lost until the node is back");
    } else if (!node.online()) {
      // Roaming (warned above): copies go to the standby nodes too.
    } else if (!guest.running()) {
      problems.warn(
          name
              + "guest "
              + vm.vmid()
              + " is "
              + guest.status()
              + "; mirrors to it wait until it runs (start VM "
              + vm.vmid()
              + ")");
    }
    return new SensorTarget.VmSensor(
        sensor.name(), guest, guest.device(vm.nic()), node, encapsulation, ids.get(idKey), standby);
  }

  private SensorTarget collector(
      MirrorSession session, Sensor sensor, RemoteCollector remote, Encapsulation wanted) {
    Encapsulation encapsulation = wanted == Encapsulation.AUTO ? remote.encapsulation() : wanted;
    Long id;
    if (encapsulation.keyed()) {
      id = remote.key() != null ? remote.key() : vniValue(remote.vni());
    } else {
      id = remote.vni() != null ? Long.valueOf(remote.vni().value()) : keyAsVni(remote.key());
    }
    if (id == null) {
      problems.error(
          "session "
              + session.name()
              + ": sensor "
              + sensor.name()
              + " needs "
              + (encapsulation.keyed() ? "spec.remote.key" : "spec.remote.vni (1.." + Vni.MAX + ")")
              + " for "
              + encapsulation.json());
      return null;
    }
    return new SensorTarget.Collector(sensor.name(), remote.address(), encapsulation, id);
  }

  private static Long vniValue(Vni vni) {
    return vni == null ? null : (long) vni.value();
  }

  private static Long keyAsVni(Long key) {
    return key != null && key >= 1 && key <= Vni.MAX ? key : null;
  }
}
