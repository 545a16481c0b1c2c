package io.pvespan.controller.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the config file being read: typed getters that record a located problem (and
 * return null) instead of throwing, so that one run reports every problem at once.
 */
final class ConfigSection {
  private final Path file;
  private final String prefix;
  private final YamlTree tree;
  private final List<String> problems;

  ConfigSection(Path file, String prefix, YamlTree tree, List<String> problems) {
    this.file = file;
    this.prefix = prefix;
    this.tree = tree;
    this.problems = problems;
  }

  /** Records a problem for every key not in {@code known}. */
  ConfigSection allow(Set<String> known) {
    for (var e : entries().entrySet()) {
      if (!known.contains(e.getKey())) {
        problem(e.getValue(), "unknown key '" + prefix + e.getKey() + "'");
      }
    }
    return this;
  }

  boolean has(String key) {
    return entries().containsKey(key);
  }

  YamlTree node(String key) {
    return entries().get(key);
  }

  String where() {
    return file + ":" + tree.line() + ":" + tree.column();
  }

  String where(String key) {
    YamlTree n = node(key);
    return n == null ? where() : file + ":" + n.line() + ":" + n.column();
  }

  String name(String key) {
    return prefix + key;
  }

  void problem(YamlTree at, String message) {
    problems.add(file + ":" + at.line() + ":" + at.column() + ": " + message);
  }

  void problem(String key, String message) {
    problems.add(where(key) + ": " + message);
  }

  /** A scalar, or null (absent, or not a scalar: a problem). */
  String string(String key) {
    YamlTree n = node(key);
    if (n == null || n.value() == null) {
      return null;
    }
    if (n.text() == null || n.text().isBlank()) {
      problem(n, name(key) + " must be a non-empty value");
      return null;
    }
    return n.text().trim();
  }

  Boolean bool(String key) {
    String s = string(key);
    if (s == null) {
      return null;
    }
    if (!s.equals("true") && !s.equals("false")) {
      problem(key, name(key) + " must be true or false, not '" + s + "'");
      return null;
    }
    return Boolean.valueOf(s);
  }

  Path path(String key, Path base) {
    String s = string(key);
    return s == null ? null : base.resolve(s).normalize();
  }

  /** A nested mapping (empty when absent); a non-mapping is a problem. */
  ConfigSection section(String key) {
    YamlTree n = node(key);
    if (n != null && n.value() != null && n.map() == null) {
      problem(n, name(key) + " must be a mapping");
      n = null;
    }
    YamlTree t =
        n == null || n.value() == null
            ? new YamlTree(new LinkedHashMap<>(), tree.line(), tree.column())
            : n;
    return new ConfigSection(file, prefix + key + ".", t, problems);
  }

  /** The scalar entries of a nested mapping, keyed in file order. */
  Map<String, YamlTree> stringMap(String key) {
    ConfigSection s = section(key);
    Map<String, YamlTree> out = new LinkedHashMap<>();
    for (var e : s.entries().entrySet()) {
      if (e.getValue().text() == null) {
        problem(e.getValue(), name(key) + "." + e.getKey() + " must be a single value");
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  Map<String, YamlTree> entries() {
    Map<String, YamlTree> m = tree.map();
    return m == null ? Map.of() : m;
  }
}
