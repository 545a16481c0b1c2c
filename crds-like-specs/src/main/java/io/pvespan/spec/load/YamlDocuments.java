package io.pvespan.spec.load;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.pvespan.spec.load.YamlDocument.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML file into its documents ({@code ---} separated), keeping the line and column of
 * every node. The tree is built from the parser's tokens rather than by {@code readTree}, because
 * Jackson's tree keeps no positions, and so that duplicate keys (each one a problem at the second
 * key) and aliases can be refused.
 *
 * <p>Refused with one problem each: files over {@link #MAX_BYTES}; YAML aliases ({@code *name}),
 * because Jackson does not expand them (it would silently read the anchor's name as a string) and
 * expanding them is what alias bombs ("billion laughs") exploit; syntax errors, at their line.
 */
public final class YamlDocuments {
  /** Specs and configs are small; anything bigger is a mistake or an attack. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final YAMLFactory FACTORY = factory();

  /** The documents read from one file, or the problem that stopped reading it. */
  public record Parsed(List<YamlDocument> documents, List<SpecProblem> problems) {}

  private YamlDocuments() {}

  private static YAMLFactory factory() {
    LoaderOptions options = new LoaderOptions();
    // Belt and braces: we refuse every alias below; these limits also bound SnakeYAML itself.
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    options.setCodePointLimit((int) MAX_BYTES);
    return YAMLFactory.builder().loaderOptions(options).build();
  }

  static Parsed read(Path path) {
    return read(path, "specs");
  }

  /**
   * Reads {@code path}; {@code what} names such files in the messages that refuse one ("specs",
   * "config files"). Never throws: a file that cannot be read is a problem.
   */
  public static Parsed read(Path path, String what) {
    String file = path.toString();
    List<YamlDocument> documents = new ArrayList<>();
    List<SpecProblem> duplicates = new ArrayList<>();
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        String tooBig = "file is " + size + " bytes, over the 1 MiB limit for " + what;
        return refused(documents, duplicates, new SpecProblem(file, 1, 1, tooBig));
      }
      byte[] bytes = Files.readAllBytes(path);
      try (JsonParser parser = FACTORY.createParser(bytes)) {
        try {
          while (parser.nextToken() != null) {
            Builder builder = new Builder(parser, file);
            JsonNode root = builder.value("");
            if (!(root.isTextual() && root.asText().isEmpty()) && !root.isNull()) {
              documents.add(new YamlDocument(file, root, builder.values, builder.keys));
            }
            duplicates.addAll(builder.problems);
          }
        } catch (StreamConstraintsException e) {
          // Jackson's limits (nesting depth) carry no location and name its API: place and say it.
          JsonLocation at = parser.currentLocation();
          String limit = e.getOriginalMessage().replaceAll(", from `[^`]*`", "");
          SpecProblem problem =
              new SpecProblem(
                  file,
                  Math.max(1, at.getLineNr()),
                  Math.max(1, at.getColumnNr()),
                  "YAML refused: " + limit);
          return refused(documents, duplicates, problem);
        }
      }
    } catch (AliasRefused e) {
      String message = e.getMessage() + ": pvespan " + what + " do not use anchors and aliases";
      return refused(
          documents,
          duplicates,
          new SpecProblem(file, e.line, e.column, message + " (alias bombs)"));
    } catch (JsonProcessingException e) {
      return refused(documents, duplicates, syntaxError(file, e));
    } catch (IOException e) {
      return refused(documents, duplicates, new SpecProblem(file, 0, 0, "cannot read: " + e));
    }
    return new Parsed(List.copyOf(documents), List.copyOf(duplicates));
  }

  private static SpecProblem syntaxError(String file, JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
        String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
        return new SpecProblem(
            file,
            marked.getProblemMark().getLine() + 1,
            marked.getProblemMark().getColumn() + 1,
            "YAML syntax error: " + context + marked.getProblem());
      }
    }
    JsonLocation at = e.getLocation();
    String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException bad && !(t instanceof JsonProcessingException)) {
        // The bytes are in memory: an I/O error under the parser is the UTF-8 decoder's. Say so,
        // not its class name (SnakeYAML wraps it as text) nor its "byte #-1" offset.
        first = "the file is not UTF-8 text: " + bad.getMessage().replaceAll(" \\(at char .*", "");
      }
    }
    if (first.startsWith("Expected a field name")) {
      // Jackson's wording names SnakeYAML event classes; say what it means instead.
      first = "a mapping key must be a plain name, not a mapping, sequence or alias";
    }
    return new SpecProblem(
        file,
        at == null ? 0 : at.getLineNr(),
        at == null ? 0 : at.getColumnNr(),
        "YAML syntax error: " + first);
  }

  private static Parsed refused(
      List<YamlDocument> documents, List<SpecProblem> earlier, SpecProblem problem) {
    // What was read before the problem is kept, so its own problems are reported too.
    List<SpecProblem> problems = new ArrayList<>(earlier);
    problems.add(problem);
    return new Parsed(List.copyOf(documents), List.copyOf(problems));
  }

  /** Builds one document's tree from the parser, recording positions. */
  private static final class Builder {
    private final JsonParser parser;
    private final String file;
    private final Map<String, Position> values = new HashMap<>();
    private final Map<String, Position> keys = new HashMap<>();
    private final List<SpecProblem> problems = new ArrayList<>();

    Builder(JsonParser parser, String file) {
      this.parser = parser;
      this.file = file;
    }

    /** Reads the value at the current token (positioned on its first token). */
    JsonNode value(String path) throws IOException {
      Position here = position();
      if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
        throw new AliasRefused(here, yaml.getText());
      }
      values.putIfAbsent(path, here);
      JsonNodeFactory nodes = JsonNodeFactory.instance;
      return switch (parser.currentToken()) {
        case START_OBJECT -> object(path);
        case START_ARRAY -> array(path);
        case VALUE_STRING -> nodes.textNode(parser.getText());
        case VALUE_NUMBER_INT -> integer();
        case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDecimalValue());
        case VALUE_TRUE -> nodes.booleanNode(true);
        case VALUE_FALSE -> nodes.booleanNode(false);
        default -> nodes.nullNode();
      };
    }

    private JsonNode integer() throws IOException {
      JsonNodeFactory nodes = JsonNodeFactory.instance;
      return switch (parser.getNumberType()) {
        case INT -> nodes.numberNode(parser.getIntValue());
        case LONG -> nodes.numberNode(parser.getLongValue());
        default -> nodes.numberNode(parser.getBigIntegerValue());
      };
    }

    private ObjectNode object(String path) throws IOException {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        String child = FieldPath.field(path, name);
        Position key = position();
        if (object.has(name)) {
          problems.add(problem(key, child, "duplicate key '" + name + "'"));
        }
        keys.put(child, key);
        parser.nextToken();
        boolean container = parser.currentToken().isStructStart();
        if (container) {
          // A mapping or sequence is best pointed at by the key that introduces it.
          values.put(child, key);
        }
        object.set(name, value(child));
      }
      return object;
    }

    private ArrayNode array(String path) throws IOException {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(value(FieldPath.index(path, array.size())));
      }
      return array;
    }

    private Position position() {
      JsonLocation at = parser.currentTokenLocation();
      return new Position(at.getLineNr(), at.getColumnNr());
    }

    private SpecProblem problem(Position at, String path, String message) {
      return new SpecProblem(file, at.line(), at.column(), path + ": " + message);
    }
  }

  /** An alias was met: refuse the whole file at that line. */
  private static final class AliasRefused extends IOException {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    AliasRefused(Position at, String anchor) {
      super("YAML alias '*" + anchor + "' refused");
      this.line = at.line();
      this.column = at.column();
    }
  }
}
