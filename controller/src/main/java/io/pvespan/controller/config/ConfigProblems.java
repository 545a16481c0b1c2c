package io.pvespan.controller.config;

import io.pvespan.spec.load.YamlDocument;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found in one config file, each placed where the user wrote the field: a value's
 * problem at its key (where the eye looks for the name in the message), a missing field's at the
 * mapping that lacks it. The same line twice is reported once.
 */
final class ConfigProblems {
  private final YamlDocument doc;
  private final Set<String> lines = new LinkedHashSet<>();

  ConfigProblems(YamlDocument doc) {
    this.doc = doc;
  }

  static String field(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** A problem with the field at {@code path} ("" for the file as a whole). */
  void at(String path, String message) {
    lines.add(doc.problemAt(path.isEmpty() ? doc.at("") : doc.keyAt(path), "", message).toString());
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  List<String> lines() {
    return new ArrayList<>(lines);
  }
}
