package io.pvespan.controller.planner;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Warnings and errors gathered while planning: one line each, duplicates dropped. */
final class PlanProblems {
  private final Set<String> warnings = new LinkedHashSet<>();
  private final Set<String> errors = new LinkedHashSet<>();

  void warn(String line) {
    warnings.add(line);
  }

  void error(String line) {
    errors.add(line);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }
}
