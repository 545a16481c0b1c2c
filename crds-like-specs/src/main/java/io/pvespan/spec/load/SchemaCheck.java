package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates a document against the JSON Schema of its kind ({@code crds-like-specs/schemas/}, in
 * the jar under {@code io/pvespan/schemas/}) with the networknt json-schema-validator, and turns
 * each finding into one {@code file:line:col: field: message} problem.
 *
 * <p>The schemas carry their own messages in an {@code errorMessage} keyword (networknt's custom
 * message support); in those {@code %v} stands for the offending value, filled in here.
 */
public final class SchemaCheck {
  /** Resource names of the schemas, by kind. */
  public static final Map<String, String> SCHEMAS =
      Map.of(
          Sensor.KIND,
          "io/pvespan/schemas/sensor.schema.json",
          MirrorSession.KIND,
          "io/pvespan/schemas/mirrorsession.schema.json",
          SensorGroup.KIND,
          "io/pvespan/schemas/sensorgroup.schema.json",
          "NodeMirrorPlan",
          "io/pvespan/schemas/nodemirrorplan.schema.json",
          "NodeMirrorStatus",
          "io/pvespan/schemas/nodemirrorstatus.schema.json");

  /** The kinds a spec file may hold; the others are generated and reported, not written. */
  static final List<String> SPEC_KINDS = List.of(Sensor.KIND, SensorGroup.KIND, MirrorSession.KIND);

  private static final Map<String, JsonSchema> LOADED = load();

  private SchemaCheck() {}

  /**
   * One violation of a schema, before it is placed in a file.
   *
   * @param path the field path ({@code spec.nics[1]}; "" for the document)
   * @param keyword the schema keyword that failed ({@code required}, {@code pattern}, ...)
   * @param property the property it names ({@code required}, {@code additionalProperties}), or null
   * @param message the schema's {@code errorMessage} (or the validator's), {@code %v} filled in
   */
  public record Finding(String path, String keyword, String property, String message) {}

  private static Map<String, JsonSchema> load() {
    Map<String, JsonSchema> schemas = new java.util.HashMap<>();
    SCHEMAS.forEach((kind, resource) -> schemas.put(kind, load(resource)));
    return Map.copyOf(schemas);
  }

  /**
   * A JSON Schema (2020-12) from the classpath, with the settings the spec schemas use: messages
   * from the {@code errorMessage} keyword, locations as JSON paths (for {@link #findings}).
   */
  public static JsonSchema load(String classpathResource) {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .errorMessageKeyword("errorMessage")
            .pathType(PathType.JSON_PATH)
            .build();
    return factory.getSchema(SchemaLocation.of("classpath:" + classpathResource), config);
  }

  /** Every violation of {@code schema} by {@code root}, in the validator's order. */
  public static List<Finding> findings(JsonNode root, JsonSchema schema) {
    List<Finding> findings = new ArrayList<>();
    for (ValidationMessage m : schema.validate(root)) {
      String text = m.getMessage();
      String prefix = m.getInstanceLocation() + ": ";
      if (text.startsWith(prefix)) {
        text = text.substring(prefix.length());
      }
      findings.add(
          new Finding(
              FieldPath.of(m.getInstanceLocation()),
              m.getType(),
              m.getProperty(),
              text.contains("%v") ? text.replace("%v", valueText(m.getInstanceNode())) : text));
    }
    return findings;
  }

  /** The loaded schema of {@code kind} (one of {@link #SCHEMAS}' keys). */
  public static JsonSchema schema(String kind) {
    JsonSchema schema = LOADED.get(kind);
    if (schema == null) {
      throw new IllegalArgumentException("no schema for kind " + kind);
    }
    return schema;
  }

  /**
   * At most this many schema problems are reported per document (then one line saying how many
   * more): a document with 80,000 unknown keys must not take minutes nor print 80,000 lines.
   */
  public static final int MAX_PROBLEMS_PER_DOCUMENT = 50;

  /** The offending value is quoted in a message up to this many characters. */
  static final int MAX_VALUE_TEXT = 80;

  /**
   * Problems of a spec document whose {@code kind} is one of {@link #SPEC_KINDS}: linear in the
   * document's size (no message re-serialises the document).
   */
  static List<SpecProblem> check(YamlDocument document, String kind) {
    List<SpecProblem> problems = new ArrayList<>();
    List<Finding> found = findings(document.root(), schema(kind));
    for (Finding f : found) {
      if (problems.size() == MAX_PROBLEMS_PER_DOCUMENT) {
        problems.add(
            document.problem(
                "",
                "and "
                    + (found.size() - MAX_PROBLEMS_PER_DOCUMENT)
                    + " more schema problems in this document (only the first "
                    + MAX_PROBLEMS_PER_DOCUMENT
                    + " are listed)"));
        break;
      }
      problems.add(problem(document, f));
    }
    return problems;
  }

  private static SpecProblem problem(YamlDocument document, Finding f) {
    switch (f.keyword()) {
      case "additionalProperties", "unevaluatedProperties" -> {
        String field = FieldPath.field(f.path(), f.property());
        return document.problemAt(document.keyAt(field), field, "unknown field");
      }
      case "required" -> {
        boolean generic = f.message().startsWith("required property");
        return document.problem(
            f.path(), generic ? "missing required field '" + f.property() + "'" : f.message());
      }
      default -> {
        return document.problem(f.path(), f.message());
      }
    }
  }

  private static String valueText(JsonNode node) {
    String text = node == null ? "" : node.isValueNode() ? node.asText() : node.toString();
    return text.length() <= MAX_VALUE_TEXT ? text : text.substring(0, MAX_VALUE_TEXT) + "...";
  }
}
