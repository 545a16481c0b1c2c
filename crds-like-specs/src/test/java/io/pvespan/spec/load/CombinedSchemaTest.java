package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code schemas/pvespan.schema.json}: one schema for every kind, chosen by {@code kind} ({@code
 * if}/{@code then}), so that an editor can check a file mixing Sensors and MirrorSessions. It is
 * derived from the per-kind schemas (their {@code $defs} hoisted under the kind's name, references
 * rewritten) and must stay equal to that derivation: {@code -Dpvespan.regenerate=true} rewrites it.
 */
class CombinedSchemaTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path SCHEMAS = Path.of("schemas");
  private static final Path COMBINED = SCHEMAS.resolve("pvespan.schema.json");
  private static final Map<String, String> FILES =
      Map.of(
          "Sensor", "sensor.schema.json",
          "SensorGroup", "sensorgroup.schema.json",
          "MirrorSession", "mirrorsession.schema.json",
          "NodeMirrorPlan", "nodemirrorplan.schema.json",
          "NodeMirrorStatus", "nodemirrorstatus.schema.json");
  private static final List<String> KINDS =
      List.of("Sensor", "SensorGroup", "MirrorSession", "NodeMirrorPlan", "NodeMirrorStatus");

  @Test
  void theCombinedSchemaIsDerivedFromThePerKindSchemas() throws IOException {
    JsonNode derived = derive();
    if (Boolean.getBoolean("pvespan.regenerate")) {
      Files.writeString(COMBINED, JSON.writeValueAsString(derived) + "\n");
    }
    assertThat(JSON.readTree(COMBINED.toFile()))
        .as("run this test with -Dpvespan.regenerate=true to rewrite " + COMBINED)
        .isEqualTo(derived);
  }

  @Test
  void everyExampleFileOfMixedKindsIsValidAgainstIt() throws IOException {
    JsonSchema schema = SchemaCheck.load("io/pvespan/schemas/pvespan.schema.json");
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      for (Path f : files.sorted().toList()) {
        for (YamlDocument d : YamlDocuments.read(f).documents()) {
          assertThat(SchemaCheck.findings(d.root(), schema)).as(f.toString()).isEmpty();
          checked.add(d.text("kind"));
        }
      }
    }
    assertThat(checked).contains("Sensor", "SensorGroup", "MirrorSession");
  }

  @Test
  void eachKindIsCheckedByItsOwnRulesAndAnUnknownKindIsRefused() throws IOException {
    JsonSchema schema = SchemaCheck.load("io/pvespan/schemas/pvespan.schema.json");
    Path f = Files.createTempFile("mixed", ".yaml");
    Files.writeString(
        f,
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: ids}
        spec: {vm: {vmid: 200, nic: net1}, sources: {vmids: [1]}}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec: {sensorRef: ids, sources: {vmids: [101]}, direction: sideways}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: Sensr
        metadata: {name: x}
        spec: {}
        """);
    List<YamlDocument> docs = YamlDocuments.read(f).documents();
    Files.delete(f);

    // a Sensor has no sources (a MirrorSession would): the Sensor schema applied
    assertThat(SchemaCheck.findings(docs.get(0).root(), schema))
        .anyMatch(x -> x.path().equals("spec") && x.message().contains("sources"));
    assertThat(SchemaCheck.findings(docs.get(1).root(), schema))
        .extracting(SchemaCheck.Finding::path)
        .contains("spec.direction");
    assertThat(SchemaCheck.findings(docs.get(2).root(), schema))
        .extracting(SchemaCheck.Finding::path)
        .contains("kind");
  }

  private static JsonNode derive() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", "https://pvespan.io/schemas/v1alpha1/pvespan.schema.json");
    root.put("title", "pvespan spec (any kind)");
    root.put(
        "description",
        "Any pvespan document, checked by the schema of its kind. Derived from the per-kind"
            + " schemas beside this file (CombinedSchemaTest keeps it so). For editors: put"
            + " '# yaml-language-server: $schema=<path or URL of this file>' first in a spec"
            + " file.");
    root.put("type", "object");
    root.putArray("required").add("kind");
    ObjectNode kind = root.putObject("properties").putObject("kind");
    ArrayNode kinds = kind.putArray("enum");
    KINDS.forEach(kinds::add);
    kind.put("description", "which schema applies");
    ArrayNode allOf = root.putArray("allOf");
    ObjectNode defs = JSON.createObjectNode();
    for (String k : KINDS) {
      ObjectNode s = (ObjectNode) JSON.readTree(SCHEMAS.resolve(FILES.get(k)).toFile());
      s.remove("$schema");
      s.remove("$id");
      JsonNode own = s.remove("$defs");
      rewriteRefs(s, k);
      defs.set(k, s);
      if (own != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = own.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          rewriteRefs(e.getValue(), k);
          defs.set(k + "-" + e.getKey(), e.getValue());
        }
      }
      ObjectNode branch = allOf.addObject();
      ObjectNode cond = branch.putObject("if");
      cond.putObject("properties").putObject("kind").put("const", k);
      cond.putArray("required").add("kind");
      branch.putObject("then").put("$ref", "#/$defs/" + k);
    }
    root.set("$defs", defs);
    return root;
  }

  private static void rewriteRefs(JsonNode node, String kind) {
    if (node instanceof ObjectNode o) {
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/$defs/")) {
        o.set("$ref", TextNode.valueOf("#/$defs/" + kind + "-" + ref.asText().substring(8)));
      }
      o.forEach(child -> rewriteRefs(child, kind));
    } else if (node instanceof ArrayNode a) {
      a.forEach(child -> rewriteRefs(child, kind));
    }
  }
}
