package io.pvespan.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/spec-reference.md} is rendered from the JSON Schemas of the two kinds users write
 * ({@code schemas/sensor.schema.json}, {@code schemas/mirrorsession.schema.json}): every field
 * path, type, allowed values, default, whether it is required, description and examples, plus the
 * cross-field rules ({@code if}/{@code then}/{@code else}, {@code dependentSchemas}, exactly one
 * of). A schema keyword the renderer does not know fails the test, so a new constraint cannot go
 * undocumented. Regenerate the file with {@link #REGENERATE}.
 */
class SpecReferenceTest {
  static final String REGENERATE =
      "mvn -B -o -q verify -pl crds-like-specs -DskipITs -Dtest=SpecReferenceTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dpvespan.writeSpecDoc=true";

  private static final Path SCHEMAS = Path.of("schemas");
  private static final Path EXAMPLES = Path.of("examples");
  private static final Path DOC =
      Path.of(System.getProperty("pvespan.home", "..")).resolve("docs/spec-reference.md");

  /** Keywords the renderer understands; anything else in a schema fails the test. */
  private static final Set<String> KNOWN =
      Set.of(
          "$schema",
          "$id",
          "title",
          "description",
          "type",
          "additionalProperties",
          "required",
          "properties",
          "$defs",
          "$ref",
          "const",
          "enum",
          "default",
          "errorMessage",
          "minProperties",
          "maxProperties",
          "minimum",
          "maximum",
          "pattern",
          "items",
          "if",
          "then",
          "else",
          "not",
          "dependentSchemas",
          "examples");

  /** Patterns longer than this are named, not printed (the address and CIDR ones). */
  private static final int LONG_PATTERN = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void docsSpecReferenceMdIsWhatTheSchemasSay() throws IOException {
    String rendered = render();
    if (Boolean.getBoolean("pvespan.writeSpecDoc")) {
      Files.writeString(DOC, rendered);
    }
    assertThat(DOC)
        .as("docs/spec-reference.md exists; create it with: " + REGENERATE)
        .isRegularFile();
    assertThat(Files.readString(DOC))
        .as("docs/spec-reference.md differs from the schemas; regenerate it with: " + REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void everyPropertyOfTheSchemasHasARow() throws IOException {
    String rendered = render();
    for (String kind : List.of("sensor", "sensorgroup", "mirrorsession")) {
      JsonNode root = JSON.readTree(SCHEMAS.resolve(kind + ".schema.json").toFile());
      List<String> paths = new ArrayList<>();
      new Renderer(root).collectPaths(root, "", paths);
      assertThat(paths).as(kind + " fields").isNotEmpty();
      for (String p : paths) {
        assertThat(rendered).as(kind + ": row for " + p).contains("| `" + p + "` |");
      }
    }
  }

  static String render() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Spec reference\n\n");
    md.append(
        "<!-- Generated from crds-like-specs/schemas/ by crds-like-specs/.../SpecReferenceTest:");
    md.append(" do not edit.\n     Regenerate: ").append(REGENERATE).append(" -->\n\n");
    md.append(
        "Every field of the three kinds you write, `Sensor`, `SensorGroup` and `MirrorSession`, as"
            + " their JSON Schemas"
            + " (draft 2020-12) in\n`crds-like-specs/schemas/` define them. Several documents may"
            + " share a file, separated by `---`;\n`crds-like-specs/schemas/pvespan.schema.json`"
            + " combines the kinds for editors (see the README's \"Editor\nsupport\")."
            + " `./pvespan validate` checks the schema first, then the rules across documents"
            + " that no schema\ncan express (unique names per kind, every `sensorRef` resolves, no"
            + " mirror loop through a sensor guest):\n`crds-like-specs/README.md`, \"Validation\".\n\n"
            + "A path `a.b[]` is a field of each element of the list `a.b`. *Required* is"
            + " \"yes\" when the field must be\npresent whenever its parent is; conditional rules"
            + " follow each table.");
    md.append("\n\n");
    for (String kind : List.of("sensor", "sensorgroup", "mirrorsession")) {
      Path file = SCHEMAS.resolve(kind + ".schema.json");
      JsonNode root = JSON.readTree(file.toFile());
      new Renderer(root).kind(md, file.getFileName().toString());
    }
    return md.toString();
  }

  /** Renders one kind's schema. */
  private static final class Renderer {
    private final JsonNode root;
    private final List<String> rows = new ArrayList<>();
    private final List<String> rules = new ArrayList<>();
    private boolean everyObjectClosed = true;

    Renderer(JsonNode root) {
      this.root = root;
      checkKeywords(root, "#");
    }

    void kind(StringBuilder md, String fileName) throws IOException {
      String title = root.path("title").asText();
      md.append("## ").append(title).append(" (`").append(fileName).append("`)\n\n");
      md.append(root.path("description").asText()).append("\n\n");
      walk(root, "", root, true);
      md.append("| Field | Type | Required | Default | Description |\n|---|---|---|---|---|\n");
      rows.forEach(md::append);
      md.append("\n");
      if (everyObjectClosed) {
        md.append("Every object rejects fields not listed here (`additionalProperties: false`).\n");
      }
      if (!rules.isEmpty()) {
        md.append("\nRules across fields:\n\n");
        rules.forEach(r -> md.append("- ").append(r).append("\n"));
      }
      List<String> examples = examplesOf(title);
      if (!examples.isEmpty()) {
        md.append("\nExamples (valid for `test-fixtures/inventories/lab-3-nodes.json`): ");
        md.append(String.join(", ", examples.stream().map(e -> "`" + e + "`").toList()));
        md.append(".\n");
      }
      md.append("\n");
    }

    /** Every field path, the way rows name them. */
    void collectPaths(JsonNode node, String path, List<String> out) {
      JsonNode s = resolve(node);
      if (!path.isEmpty()) {
        out.add(path);
      }
      s.path("properties")
          .fields()
          .forEachRemaining(e -> collectPaths(e.getValue(), join(path, e.getKey()), out));
      JsonNode items = resolve(s.path("items"));
      if (items.has("properties")) {
        items
            .path("properties")
            .fields()
            .forEachRemaining(e -> collectPaths(e.getValue(), path + "[]." + e.getKey(), out));
      }
    }

    private void walk(JsonNode raw, String path, JsonNode parent, boolean required) {
      JsonNode s = resolve(raw);
      if (!path.isEmpty()) {
        rows.add(row(path, raw, s, required));
      }
      JsonNode object = s;
      String prefix = path;
      JsonNode items = resolve(s.path("items"));
      if (!s.has("properties") && items.has("properties")) {
        object = items;
        prefix = path + "[]";
      }
      if (!object.has("properties")) {
        return;
      }
      if (!object.path("additionalProperties").isBoolean()
          || object.path("additionalProperties").asBoolean()) {
        everyObjectClosed = false;
      }
      rulesOf(object, prefix.isEmpty() ? "(document)" : prefix);
      Set<String> req = new java.util.TreeSet<>();
      object.path("required").forEach(r -> req.add(r.asText()));
      String p = prefix;
      JsonNode o = object;
      o.path("properties")
          .fields()
          .forEachRemaining(
              e -> walk(e.getValue(), join(p, e.getKey()), o, req.contains(e.getKey())));
    }

    private String row(String path, JsonNode raw, JsonNode s, boolean required) {
      String def = "";
      JsonNode d = raw.has("default") ? raw.get("default") : s.get("default");
      if (d != null) {
        def = "`" + d.toString().replace("\"", "") + "`";
      }
      List<String> text = new ArrayList<>();
      addDescription(text, raw.path("description").asText(""));
      addDescription(text, s.path("description").asText(""));
      JsonNode items = s.path("items");
      if (items.isObject()) {
        addDescription(text, items.path("description").asText(""));
        addDescription(text, resolve(items).path("description").asText(""));
      }
      JsonNode ex = s.has("examples") ? s.get("examples") : raw.get("examples");
      if (ex != null && ex.isArray() && ex.size() > 0) {
        List<String> shown = new ArrayList<>();
        ex.forEach(v -> shown.add("`" + v.toString() + "`"));
        text.add("Examples: " + String.join(", ", shown) + ".");
      }
      return "| `"
          + path
          + "` | "
          + type(s)
          + " | "
          + (required ? "yes" : "")
          + " | "
          + def
          + " | "
          + cell(String.join(" ", text))
          + " |\n";
    }

    private static void addDescription(List<String> text, String d) {
      if (!d.isEmpty() && !text.contains(d)) {
        text.add(d);
      }
    }

    private String type(JsonNode s) {
      if (s.has("const")) {
        return "`" + s.get("const").asText() + "` (fixed)";
      }
      if (s.has("enum")) {
        return "one of " + values(s.get("enum"));
      }
      if (s.path("type").isArray()) {
        // A union such as a port's (integer, "N-M" string or a list): each member keeps the
        // keywords that apply to its type, so each renders on its own.
        List<String> alternatives = new ArrayList<>();
        for (JsonNode t : s.get("type")) {
          com.fasterxml.jackson.databind.node.ObjectNode one = s.deepCopy();
          one.put("type", t.asText());
          alternatives.add(type(one));
        }
        return String.join(" or ", alternatives);
      }
      String t = s.path("type").asText("");
      switch (t) {
        case "integer":
          {
            String range = "";
            if (s.has("minimum") || s.has("maximum")) {
              range =
                  ", "
                      + (s.has("minimum") ? s.get("minimum").asText() : "")
                      + ".."
                      + (s.has("maximum") ? s.get("maximum").asText() : "");
            }
            return "integer" + range;
          }
        case "string":
          if (s.has("pattern")) {
            String pattern = s.get("pattern").asText();
            if (pattern.length() > LONG_PATTERN) {
              return "string: " + patternMeaning(s) + " (the pattern is in the schema)";
            }
            return "string, pattern `" + pattern.replace("|", "\\|") + "`";
          }
          return "string";
        case "array":
          {
            JsonNode items = resolve(s.path("items"));
            String each = type(items);
            return "list of " + (items.path("type").isArray() ? "(" + each + ")" : each);
          }
        case "object":
          return "object";
        case "boolean":
          return "boolean";
        default:
          throw new IllegalStateException("no rendering for type '" + t + "' in " + s);
      }
    }

    /** What a long pattern means, from the schema's own error message for it. */
    private static String patternMeaning(JsonNode s) {
      String message = s.path("errorMessage").path("pattern").asText("");
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("^\\{0\\}: ''%v'' is not (.+)$").matcher(message);
      if (!m.matches()) {
        throw new IllegalStateException(
            "a long pattern needs an errorMessage.pattern of the form \"{0}: ''%v'' is not ...\": "
                + s);
      }
      return m.group(1);
    }

    private void rulesOf(JsonNode o, String at) {
      if (o.has("minProperties") || o.has("maxProperties")) {
        int min = o.path("minProperties").asInt(0);
        int max = o.path("maxProperties").asInt(Integer.MAX_VALUE);
        List<String> names = new ArrayList<>();
        o.path("properties").fieldNames().forEachRemaining(names::add);
        String which = String.join(", ", names.stream().map(n -> "`" + n + "`").toList());
        if (min == 1 && max == 1) {
          rules.add("`" + at + "`: exactly one of " + which + ".");
        } else if (max == Integer.MAX_VALUE) {
          rules.add("`" + at + "`: at least " + min + " of " + which + ".");
        } else {
          rules.add("`" + at + "`: between " + min + " and " + max + " of " + which + ".");
        }
      }
      if (o.has("if")) {
        String cond = condition(o.get("if"));
        rules.add(
            "`"
                + at
                + "`: when "
                + cond
                + ": "
                + consequence(o.path("then"))
                + "; otherwise (including when absent): "
                + consequence(o.path("else"))
                + ".");
      }
      o.path("dependentSchemas")
          .fields()
          .forEachRemaining(
              e ->
                  rules.add(
                      "`"
                          + at
                          + "`: with `"
                          + e.getKey()
                          + "`: "
                          + consequence(e.getValue())
                          + "."));
    }

    private static String condition(JsonNode when) {
      List<String> parts = new ArrayList<>();
      when.path("properties")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode v = e.getValue();
                if (v.has("enum")) {
                  parts.add("`" + e.getKey() + "` is one of " + values(v.get("enum")));
                } else if (v.has("const")) {
                  parts.add("`" + e.getKey() + "` is `" + v.get("const").asText() + "`");
                } else {
                  throw new IllegalStateException("no rendering for the condition " + when);
                }
              });
      if (parts.isEmpty()) {
        throw new IllegalStateException("no rendering for the condition " + when);
      }
      return String.join(" and ", parts);
    }

    private static String consequence(JsonNode then) {
      List<String> parts = new ArrayList<>();
      then.path("required").forEach(r -> parts.add("`" + r.asText() + "` is required"));
      then.path("properties")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode v = e.getValue();
                if (v.has("not") && v.get("not").isEmpty()) {
                  parts.add("`" + e.getKey() + "` is not allowed");
                } else if (v.has("enum")) {
                  parts.add("`" + e.getKey() + "` must be one of " + values(v.get("enum")));
                } else {
                  throw new IllegalStateException("no rendering for " + then);
                }
              });
      if (parts.isEmpty()) {
        throw new IllegalStateException("no rendering for " + then);
      }
      return String.join(", ", parts);
    }

    private static String values(JsonNode array) {
      List<String> v = new ArrayList<>();
      array.forEach(x -> v.add("`" + x.asText() + "`"));
      return String.join(", ", v);
    }

    private JsonNode resolve(JsonNode s) {
      JsonNode at = s;
      while (at.has("$ref")) {
        String ref = at.get("$ref").asText();
        if (!ref.startsWith("#/")) {
          throw new IllegalStateException("only local $ref are rendered: " + ref);
        }
        at = root.at(ref.substring(1));
        if (at.isMissingNode()) {
          throw new IllegalStateException("unresolved $ref " + ref);
        }
      }
      return at;
    }

    private static void checkKeywords(JsonNode s, String where) {
      if (!s.isObject()) {
        return;
      }
      s.fields()
          .forEachRemaining(
              e -> {
                String k = e.getKey();
                if (!KNOWN.contains(k)) {
                  throw new IllegalStateException(
                      where
                          + ": the schema keyword '"
                          + k
                          + "' is not rendered by SpecReferenceTest; teach it the keyword");
                }
                JsonNode v = e.getValue();
                switch (k) {
                  case "properties", "$defs", "dependentSchemas" ->
                      v.fields()
                          .forEachRemaining(
                              p -> checkKeywords(p.getValue(), where + "/" + k + "/" + p.getKey()));
                  case "items", "if", "then", "else", "not" -> checkKeywords(v, where + "/" + k);
                  default -> {}
                }
              });
    }

    private static String join(String path, String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    private static String cell(String text) {
      return text.replace("|", "\\|").replace("\n", " ");
    }
  }

  /** The example files holding a document of this kind. */
  private static List<String> examplesOf(String kind) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
          continue;
        }
        String text;
        try {
          text = Files.readString(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (text.lines().anyMatch(l -> l.strip().equals("kind: " + kind))) {
          out.add("crds-like-specs/examples/" + name);
        }
      }
    }
    return out;
  }
}
