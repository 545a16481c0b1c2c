package io.pvespan.controller.config;

import io.pvespan.spec.load.SpecProblem;
import io.pvespan.spec.load.YamlDocument;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The problems found in one config file, each placed where the user wrote the field: a value's
 * problem at its key (where the eye looks for the name in the message), a missing field's at the
 * mapping that lacks it. In file order; the same problem twice is reported once.
 */
final class ConfigProblems {
  private final YamlDocument doc;
  private final SortedSet<SpecProblem> problems = new TreeSet<>();

  ConfigProblems(YamlDocument doc) {
    this.doc = doc;
  }

  static String field(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** A problem with the field at {@code path} ("" for the file as a whole). */
  void at(String path, String message) {
    problems.add(doc.problemAt(path.isEmpty() ? doc.at("") : doc.keyAt(path), "", message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<String> lines() {
    return problems.stream().map(SpecProblem::toString).toList();
  }
}
