package io.pvespan.controller.cli;

import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import io.pvespan.spec.load.YamlDocument;
import io.pvespan.spec.load.YamlDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code validate DIR/file.yaml}: a file is one part of a spec directory, so a {@code sensorRef} it
 * holds may name a Sensor in another file there. Those other files count for references only: their
 * Sensors' names resolve the named files' references; their own problems are not reported (validate
 * the directory for that). Mirror loops through such a Sensor are checked when the directory is
 * validated (and by the controller), not here.
 */
final class SiblingSensors {
  /** {@code SemanticCheck}'s message for an unresolved reference (pinned by a test). */
  private static final Pattern UNKNOWN_REF =
      Pattern.compile(
          "spec\\.(sensorRef|members\\[\\d+\\]): no Sensor( or SensorGroup)? named '(.*)' in these"
              + " specs");

  /** Marks a Sensor's name in the set of names beside a file (a group's is kept unmarked). */
  private static final String SENSOR_ONLY = "sensor:";

  private SiblingSensors() {}

  /**
   * {@code problems} less the unresolved references, in the files named in {@code paths}, that a
   * Sensor in another spec file of the named file's directory tree resolves.
   */
  static List<SpecProblem> resolve(List<Path> paths, List<SpecProblem> problems) {
    Map<Path, Set<String>> sensorsBesideFile = new HashMap<>();
    Set<Path> named = new HashSet<>();
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        named.add(p.toAbsolutePath().normalize());
      }
    }
    List<SpecProblem> out = new ArrayList<>();
    for (SpecProblem problem : problems) {
      Matcher m = UNKNOWN_REF.matcher(problem.message());
      Path file = Path.of(problem.file()).toAbsolutePath().normalize();
      if (m.matches() && named.contains(file)) {
        Set<String> sensors = sensorsBesideFile.computeIfAbsent(file, f -> sensorsBeside(f, named));
        // A session's sensorRef may name a SensorGroup too, a group's member only a Sensor.
        String name = (m.group(2) != null ? "" : SENSOR_ONLY) + m.group(3);
        if (sensors.contains(name) || sensors.contains(SENSOR_ONLY + m.group(3))) {
          continue;
        }
      }
      out.add(problem);
    }
    return out;
  }

  /** The spec documents (with a kind) in {@code files}. */
  static int documents(List<Path> files) {
    int n = 0;
    for (Path f : files) {
      for (YamlDocument d : YamlDocuments.read(f, "specs").documents()) {
        n += d.root().isObject() && d.text("kind") != null ? 1 : 0;
      }
    }
    return n;
  }

  /** Names of the Sensors in the spec files of {@code file}'s directory tree, named ones aside. */
  private static Set<String> sensorsBeside(Path file, Set<Path> named) {
    Set<String> names = new HashSet<>();
    Path dir = file.getParent();
    if (dir == null) {
      return names;
    }
    for (Path sibling : SpecLoader.files(List.of(dir), new ArrayList<>())) {
      if (named.contains(sibling.toAbsolutePath().normalize())) {
        continue;
      }
      for (YamlDocument d : YamlDocuments.read(sibling, "specs").documents()) {
        String kind = d.root().isObject() ? d.text("kind") : null;
        String name = kind == null ? null : d.text("metadata", "name");
        if (name != null && Sensor.KIND.equals(kind)) {
          names.add(SENSOR_ONLY + name);
        } else if (name != null && SensorGroup.KIND.equals(kind)) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
