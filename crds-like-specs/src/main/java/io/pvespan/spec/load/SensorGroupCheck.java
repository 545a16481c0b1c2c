package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.spec.SensorGroupSpec;
import io.pvespan.spec.load.YamlDocument.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SensorGroup rules across documents: a group's name is no Sensor's (a {@code sensorRef} names
 * either), it has 2..{@value SensorGroupSpec#MAX_MEMBERS} members, each listed once, each a Sensor
 * of these specs with {@code spec.vm} (a group balances sensor VMs: a remote collector has no VM
 * that stops), and no two members are the same guest NIC (their copies would be one).
 */
final class SensorGroupCheck {
  private SensorGroupCheck() {}

  static List<SpecProblem> check(
      Map<String, YamlDocument> sensors, Map<String, YamlDocument> groups) {
    List<SpecProblem> problems = new ArrayList<>();
    for (Map.Entry<String, YamlDocument> g : groups.entrySet()) {
      YamlDocument d = g.getValue();
      YamlDocument sensor = sensors.get(g.getKey());
      if (sensor != null) {
        Position at = sensor.at("metadata.name");
        problems.add(
            d.problem(
                "metadata.name",
                "SensorGroup '"
                    + g.getKey()
                    + "' has the name of the Sensor at "
                    + sensor.file()
                    + ":"
                    + at.line()
                    + ":"
                    + at.column()
                    + "; a sensorRef could not tell them apart"));
      }
      JsonNode members = d.root().path("spec").path("members");
      if (!members.isArray()) {
        continue; // the schema says what is wrong
      }
      if (members.size() < 2 || members.size() > SensorGroupSpec.MAX_MEMBERS) {
        problems.add(
            d.problem(
                "spec.members",
                "a SensorGroup has 2.."
                    + SensorGroupSpec.MAX_MEMBERS
                    + " members, not "
                    + members.size()));
      }
      Map<String, Integer> seen = new HashMap<>();
      Map<String, String> guestNics = new HashMap<>();
      for (int i = 0; i < members.size(); i++) {
        String name = members.get(i).asText();
        String path = "spec.members[" + i + "]";
        Integer first = seen.putIfAbsent(name, i);
        if (first != null) {
          problems.add(
              d.problem(path, "'" + name + "' is listed twice (also spec.members[" + first + "])"));
          continue;
        }
        YamlDocument member = sensors.get(name);
        if (member == null) {
          problems.add(d.problem(path, "no Sensor named '" + name + "' in these specs"));
          continue;
        }
        JsonNode vm = member.root().path("spec").path("vm");
        if (!vm.isObject()) {
          problems.add(
              d.problem(
                  path,
                  "Sensor '"
                      + name
                      + "' is a remote collector; a SensorGroup balances sensor VMs (spec.vm)"));
          continue;
        }
        String guestNic = vm.path("vmid").asText() + " " + vm.path("nic").asText();
        String same = guestNics.putIfAbsent(guestNic, name);
        if (same != null) {
          problems.add(
              d.problem(
                  path,
                  "Sensor '"
                      + name
                      + "' is the same guest NIC as member '"
                      + same
                      + "' (guest "
                      + guestNic
                      + ")"));
        }
      }
    }
    return problems;
  }
}
