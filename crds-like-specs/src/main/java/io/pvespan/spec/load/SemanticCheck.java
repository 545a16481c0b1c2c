package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.load.YamlDocument.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks across all documents that no single schema can express: names unique per kind (and between
 * Sensors and SensorGroups), every group member a sensor VM ({@link SensorGroupCheck}), every
 * {@code sensorRef} resolves, no mirror loop through sensor guests named by {@code vmids} ({@link
 * MirrorLoops}), and the filter rules' cross-field rules ({@link FilterCheck}). Works on the trees,
 * not the records, so that a document with a schema problem elsewhere still takes part (its name
 * still counts).
 */
final class SemanticCheck {
  private SemanticCheck() {}

  /**
   * Problems across {@code documents} (spec documents in file order, each with a known kind). A
   * file that could not be read completely may hide the Sensor a session names; its own problem
   * says so, and the unknown sensorRef is still reported (better one line too many than a missed
   * one).
   */
  static List<SpecProblem> check(List<YamlDocument> documents) {
    List<SpecProblem> problems = new ArrayList<>();
    Map<String, Map<String, YamlDocument>> byKind = new HashMap<>();
    for (YamlDocument d : documents) {
      String kind = d.text("kind");
      String name = d.text("metadata", "name");
      if (name == null) {
        continue;
      }
      Map<String, YamlDocument> names = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
      YamlDocument first = names.putIfAbsent(name, d);
      if (first != null) {
        Position was = first.at("metadata.name");
        problems.add(
            d.problem(
                "metadata.name",
                "duplicate "
                    + kind
                    + " '"
                    + name
                    + "', also defined at "
                    + first.file()
                    + ":"
                    + was.line()
                    + ":"
                    + was.column()));
      }
    }
    Map<String, YamlDocument> sensors = byKind.getOrDefault(Sensor.KIND, Map.of());
    Map<String, YamlDocument> groups = byKind.getOrDefault(SensorGroup.KIND, Map.of());
    problems.addAll(SensorGroupCheck.check(sensors, groups));
    for (YamlDocument d : documents) {
      String ref = d.text("spec", "sensorRef");
      if (MirrorSession.KIND.equals(d.text("kind"))
          && ref != null
          && !sensors.containsKey(ref)
          && !groups.containsKey(ref)) {
        problems.add(
            d.problem(
                "spec.sensorRef", "no Sensor or SensorGroup named '" + ref + "' in these specs"));
      }
    }
    problems.addAll(MirrorLoops.find(documents, sensors, groups));
    for (YamlDocument d : documents) {
      FilterCheck.check(d, problems);
    }
    return problems;
  }

  /** The integers of an array node (others skipped: the schema reports them). */
  static List<Long> integers(JsonNode array) {
    List<Long> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode n : array) {
        out.add(n.isIntegralNumber() ? n.asLong() : null);
      }
    }
    return out;
  }
}
