package io.pvespan.controller.cli;

import io.pvespan.spec.Sensor;
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
      Pattern.compile("spec\\.sensorRef: no Sensor named '(.*)' in these specs");

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
        if (sensors.contains(m.group(1))) {
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
        if (d.root().isObject() && Sensor.KIND.equals(d.text("kind"))) {
          String name = d.text("metadata", "name");
          if (name != null) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }
}
