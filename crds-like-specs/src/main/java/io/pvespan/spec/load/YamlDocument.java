package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One YAML document of a spec (or config) file as a JSON tree, with where each node was written.
 * Paths are field paths as users read them ({@code spec.sources.nics[1]}; the root is {@code ""}).
 *
 * @param file the file as the user named it (used verbatim in problems)
 * @param root the document
 * @param values position of each node's value (for a mapping or sequence under a key: its key)
 * @param keys position of each mapping key, by the path of its value
 */
public record YamlDocument(
    String file, JsonNode root, Map<String, Position> values, Map<String, Position> keys) {

  /** A 1-based line and column in a file. */
  public record Position(int line, int column) {}

  /** The position of {@code path}, or of its nearest ancestor that has one. */
  public Position at(String path) {
    String p = path;
    while (true) {
      Position found = values.get(p);
      if (found != null) {
        return found;
      }
      if (p.isEmpty()) {
        return new Position(1, 1);
      }
      p = FieldPath.parent(p);
    }
  }

  /** Where the key of {@code path} is written (for unknown fields), else {@link #at}. */
  public Position keyAt(String path) {
    Position key = keys.get(path);
    return key != null ? key : at(path);
  }

  public SpecProblem problem(String path, String message) {
    return problemAt(at(path), path, message);
  }

  /** A problem at {@code position}; the message starts with {@code path: } unless it is "". */
  public SpecProblem problemAt(Position position, String path, String message) {
    String field = path.isEmpty() ? "" : path + ": ";
    return new SpecProblem(file, position.line(), position.column(), field + message);
  }

  /** The text at {@code path}, or null when absent or not a string. */
  public String text(String... fields) {
    JsonNode node = root;
    for (String f : fields) {
      node = node == null ? null : node.get(f);
    }
    return node != null && node.isTextual() ? node.asText() : null;
  }
}
