package io.pvespan.controller.config;

import java.util.List;

/** The configuration cannot be used: one line per problem ({@code file:line:col: message}). */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
