package io.pvespan.controller.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into plain maps, lists and scalars that remember where they were written, so
 * that every configuration problem can name its line. A map entry's position is its key's.
 */
record YamlTree(Object value, int line, int column) {
  /** A mapping's entries in file order. */
  @SuppressWarnings("unchecked")
  Map<String, YamlTree> map() {
    return value instanceof Map ? (Map<String, YamlTree>) value : null;
  }

  /** A scalar's text, or null when this is a mapping, a list or null. */
  String text() {
    return value instanceof String s ? s : null;
  }

  /** Reads {@code file}; a syntax error is one {@code file:line:col: message}. */
  static YamlTree read(Path file) throws ConfigException {
    try (JsonParser parser = new YAMLFactory().createParser(Files.readAllBytes(file))) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new YamlTree(new LinkedHashMap<String, YamlTree>(), 1, 1);
      }
      return readValue(parser, parser.currentTokenLocation());
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
      throw new ConfigException(List.of(where + ": not valid YAML: " + oneLine(e)));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
  }

  /** The parser's message without its multi-line excerpt of the input. */
  private static String oneLine(JsonProcessingException e) {
    return e.getOriginalMessage()
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.startsWith("^"))
        .findFirst()
        .orElse("syntax error");
  }

  private static YamlTree readValue(JsonParser p, JsonLocation at) throws IOException {
    int line = at.getLineNr();
    int col = at.getColumnNr();
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, YamlTree> entries = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonLocation keyAt = p.currentTokenLocation();
        p.nextToken();
        entries.put(key, readValue(p, keyAt));
      }
      return new YamlTree(entries, line, col);
    }
    if (t == JsonToken.START_ARRAY) {
      List<YamlTree> items = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        items.add(readValue(p, p.currentTokenLocation()));
      }
      return new YamlTree(items, line, col);
    }
    if (t == JsonToken.VALUE_NULL) {
      return new YamlTree(null, line, col);
    }
    return new YamlTree(p.getText(), line, col);
  }
}
