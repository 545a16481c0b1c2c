package io.pvespan.controller.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.pvespan.controller.config.ConfigFile.AgentsSection;
import io.pvespan.controller.config.ConfigFile.HaSection;
import io.pvespan.controller.config.ConfigFile.NodesSection;
import io.pvespan.controller.config.ConfigFile.PveSection;
import io.pvespan.controller.config.ConfigFile.SpecsSection;
import io.pvespan.spec.load.SchemaCheck;
import io.pvespan.spec.load.YamlDocument;
import io.pvespan.spec.load.YamlDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the controller's YAML config the way specs are read: YAML with positions ({@link
 * YamlDocuments}: size limit, no aliases, duplicate keys refused), its JSON Schema ({@code
 * controller.schema.json}, {@link SchemaCheck}), then Jackson binds each section that passed and
 * {@link ConfigChecks} resolves paths, reads secrets and checks across fields. Every problem is
 * collected and reported as one {@code file:line:col: message} line (a value's problem at its key).
 */
public final class ConfigLoader {
  static final String SCHEMA = "io/pvespan/controller/config/controller.schema.json";
  private static final JsonSchema LOADED = SchemaCheck.load(SCHEMA);
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Hints for a section missing from the file. */
  private static final Map<String, String> MISSING =
      Map.of(
          "pve", " (pve.url with a token, or pve.inventoryFile)",
          "agents", " (agents.tls for mutual TLS, or agents.tokenFile)",
          "agents.tokenFile", " (the agents' shared credential)");

  private ConfigLoader() {}

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException with one line per problem
   */
  public static ControllerConfig load(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(List.of(file + ": no such file"));
    }
    YamlDocuments.Parsed parsed = YamlDocuments.read(file, "config files");
    if (!parsed.problems().isEmpty()) {
      throw new ConfigException(parsed.problems().stream().map(Object::toString).toList());
    }
    if (parsed.documents().size() > 1) {
      throw new ConfigException(List.of(file + ":1:1: the config must be one YAML document"));
    }
    YamlDocument doc =
        parsed.documents().isEmpty()
            ? new YamlDocument(
                file.toString(), JsonNodeFactory.instance.objectNode(), Map.of(), Map.of())
            : parsed.documents().get(0);
    if (!doc.root().isObject()) {
      throw new ConfigException(List.of(file + ":1:1: the config must be a mapping of keys"));
    }
    ConfigProblems problems = new ConfigProblems(doc);
    Set<String> broken = schemaProblems(doc, problems);
    ConfigChecks checks = new ConfigChecks(file, problems);
    JsonNode root = doc.root();
    ControllerConfig.Pve pve = checks.pve(section(root, "pve", PveSection.class, broken));
    ControllerConfig.Specs specs = checks.specs(section(root, "specs", SpecsSection.class, broken));
    Duration poll = checks.interval(root, "pollInterval", Duration.ofSeconds(10), broken);
    Duration status =
        checks.interval(root, "statusInterval", ControllerConfig.DEFAULT_STATUS_INTERVAL, broken);
    ControllerConfig.HostPort listen = checks.listen(root, broken);
    ControllerConfig.Agents agents =
        checks.agents(section(root, "agents", AgentsSection.class, broken));
    NodeOverrides nodes = checks.nodes(section(root, "nodes", NodesSection.class, broken));
    ControllerConfig.Ha ha = checks.ha(section(root, "ha", HaSection.class, broken));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.lines());
    }
    return new ControllerConfig(pve, specs, poll, status, listen, agents, nodes, ha);
  }

  /** The schema's findings in {@code doc} (after dropping keys written without a value). */
  static List<SchemaCheck.Finding> findings(YamlDocument doc) {
    withoutEmptyValues(doc.root());
    return SchemaCheck.findings(doc.root(), LOADED);
  }

  /**
   * Drops keys written without a value ({@code urls:} whose entries are all commented out): an
   * empty value means "not set", as in the example config.
   */
  private static void withoutEmptyValues(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object
          .properties()
          .removeIf(
              e ->
                  e.getValue().isNull()
                      || e.getValue().isTextual() && e.getValue().asText().isEmpty());
      object.forEach(ConfigLoader::withoutEmptyValues);
    }
  }

  /** Reports the schema's findings; returns the top-level keys they are in ("" for the root). */
  private static Set<String> schemaProblems(YamlDocument doc, ConfigProblems problems) {
    Set<String> broken = new HashSet<>();
    for (SchemaCheck.Finding f : findings(doc)) {
      broken.add(topLevel(f.path()));
      switch (f.keyword()) {
        case "additionalProperties" -> {
          String field = ConfigProblems.field(f.path(), f.property());
          problems.at(field, "unknown key '" + field + "'");
        }
        case "required" -> {
          String field = ConfigProblems.field(f.path(), f.property());
          problems.at(f.path(), field + " is missing" + MISSING.getOrDefault(field, ""));
        }
        default -> {
          String m = f.message();
          problems.at(f.path(), m.contains("%p") ? m.replace("%p", f.path()) : f.path() + ": " + m);
        }
      }
    }
    return broken;
  }

  private static String topLevel(String path) {
    int cut = path.indexOf('.');
    return cut < 0 ? path : path.substring(0, cut);
  }

  /** The section bound, or null when it is absent or the schema found problems in it. */
  private static <T> T section(JsonNode root, String key, Class<T> type, Set<String> broken) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull() || broken.contains(key)) {
      return null;
    }
    try {
      return MAPPER.treeToValue(node, type);
    } catch (IOException e) {
      // The schema and the records say the same; a difference is a bug, not the user's mistake.
      throw new IllegalStateException("config section " + key + " passed its schema: " + e, e);
    }
  }
}
