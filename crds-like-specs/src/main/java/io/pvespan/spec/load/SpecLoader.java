package io.pvespan.spec.load;

import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.SpecSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads spec files and directory trees (all {@code *.yaml}/{@code *.yml}) and validates them: YAML
 * ({@link YamlDocuments}), the JSON Schema of each kind ({@link SchemaCheck}), binding to the
 * records ({@link SpecBinder}), then checks across all files ({@link SemanticCheck}).
 */
public final class SpecLoader {
  private SpecLoader() {}

  /**
   * Loads and validates every spec under {@code paths}: JSON Schema per kind, then semantics. Never
   * throws for bad input: every problem is a {@link SpecProblem}. With any problem there is no
   * {@link SpecSet}.
   */
  public static LoadResult load(List<Path> paths) {
    List<SpecProblem> problems = new ArrayList<>();
    List<YamlDocument> specs = new ArrayList<>();
    for (Path file : files(paths, problems)) {
      YamlDocuments.Parsed parsed = YamlDocuments.read(file);
      problems.addAll(parsed.problems());
      for (YamlDocument d : parsed.documents()) {
        String kind = kindProblem(d, problems);
        if (kind != null) {
          specs.add(d);
          problems.addAll(SchemaCheck.check(d, kind));
        }
      }
    }
    problems.addAll(SemanticCheck.check(specs));
    if (!problems.isEmpty()) {
      return new LoadResult(null, problems);
    }
    List<Sensor> sensors = new ArrayList<>();
    List<MirrorSession> sessions = new ArrayList<>();
    List<SensorGroup> groups = new ArrayList<>();
    for (YamlDocument d : specs) {
      String kind = d.text("kind");
      Class<?> type =
          Sensor.KIND.equals(kind)
              ? Sensor.class
              : SensorGroup.KIND.equals(kind) ? SensorGroup.class : MirrorSession.class;
      SpecBinder.Bound<?> bound = SpecBinder.bind(d, type);
      if (bound instanceof SpecBinder.Failed<?> failed) {
        problems.add(failed.problem());
      } else if (bound instanceof SpecBinder.Value<?> value) {
        if (value.value() instanceof Sensor s) {
          sensors.add(s);
        } else if (value.value() instanceof SensorGroup g) {
          groups.add(g);
        } else {
          sessions.add((MirrorSession) value.value());
        }
      }
    }
    return problems.isEmpty()
        ? new LoadResult(new SpecSet(sensors, sessions, groups), List.of())
        : new LoadResult(null, problems);
  }

  /**
   * The spec files {@code paths} name: files as given, directories walked for {@code *.yaml} and
   * {@code *.yml} (sorted; hidden files and directories skipped). A path that does not exist, or a
   * directory without spec files, is a problem.
   */
  public static List<Path> files(List<Path> paths, List<SpecProblem> problems) {
    List<Path> out = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isRegularFile(path)) {
        out.add(path);
      } else if (Files.isDirectory(path)) {
        List<Path> found = walk(path, problems);
        if (found.isEmpty()) {
          problems.add(new SpecProblem(path.toString(), 0, 0, "no *.yaml or *.yml files here"));
        }
        out.addAll(found);
      } else {
        problems.add(new SpecProblem(path.toString(), 0, 0, "no such file or directory"));
      }
    }
    return out.stream().distinct().toList();
  }

  private static List<Path> walk(Path dir, List<SpecProblem> problems) {
    try (Stream<Path> tree = Files.walk(dir)) {
      return tree.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !hidden(dir.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      problems.add(new SpecProblem(dir.toString(), 0, 0, "cannot read directory: " + e));
      return List.of();
    }
  }

  /**
   * Hidden files and directories ({@code .git}, {@code .github/workflows/*.yml}, editor backups)
   * under a directory hold no specs, though they often hold YAML.
   */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The document's spec kind, or null after adding why it is not a spec document. */
  private static String kindProblem(YamlDocument d, List<SpecProblem> problems) {
    if (!d.root().isObject()) {
      problems.add(
          d.problem("", "a spec document is a mapping with apiVersion, kind, metadata, spec"));
      return null;
    }
    String hold = " (spec files hold " + String.join(", ", SchemaCheck.SPEC_KINDS) + ")";
    if (!d.root().has("kind")) {
      problems.add(d.problem("", "missing required field 'kind'" + hold));
      return null;
    }
    String kind = d.text("kind");
    if (kind == null || !SchemaCheck.SPEC_KINDS.contains(kind)) {
      String shown = kind != null ? kind : d.root().get("kind").toString();
      problems.add(d.problem("kind", "unknown kind '" + shown + "'" + hold));
      return null;
    }
    return kind;
  }
}
