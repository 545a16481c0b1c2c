package io.pvespan.controller.planner;

import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SpecSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the planner derives from the specs and the inventory's node names alone: sensors by name
 * (the first of a duplicate name), every sensor VM's own NICs (never sources), and the tunnel ids
 * by session and sensor node ({@link TunnelIdAllocator}). Depends on nothing else, so a re-plan
 * with the same specs and nodes reuses it.
 */
record SpecFacts(
    Map<String, Sensor> sensors,
    Map<VmId, Set<NicId>> sensorNics,
    Map<String, Map<String, Long>> tunnelIds) {

  static SpecFacts of(SpecSet specs, Collection<String> nodes) {
    Map<String, Sensor> sensors = new TreeMap<>();
    Map<VmId, Set<NicId>> sensorNics = new HashMap<>();
    for (Sensor sensor : specs.sensors()) {
      sensors.putIfAbsent(sensor.name(), sensor);
      SensorVm vm = sensor.spec().vm();
      if (vm != null) {
        sensorNics.computeIfAbsent(vm.vmid(), v -> new HashSet<>()).add(vm.nic());
      }
    }
    return new SpecFacts(sensors, sensorNics, TunnelIdAllocator.allocate(specs, nodes));
  }
}
