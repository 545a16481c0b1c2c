package io.pvespan.controller.planner;

import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
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
 * (the first of a duplicate name), every sensor VM's own NICs (never sources), the tunnel ids by
 * session (a group's session: by session and member) and sensor node ({@link TunnelIdAllocator}),
 * and the sensor groups by name. Depends on nothing else, so a re-plan with the same specs and
 * nodes reuses it.
 */
record SpecFacts(
    Map<String, Sensor> sensors,
    Map<VmId, Set<NicId>> sensorNics,
    Map<String, Map<String, Long>> tunnelIds,
    Map<String, SensorGroup> groups) {

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
    Map<String, SensorGroup> groups = new TreeMap<>();
    for (SensorGroup group : specs.groups()) {
      groups.putIfAbsent(group.name(), group);
    }
    return new SpecFacts(sensors, sensorNics, TunnelIdAllocator.allocate(specs, nodes), groups);
  }
}
