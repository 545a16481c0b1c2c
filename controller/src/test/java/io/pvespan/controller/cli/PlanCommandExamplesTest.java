package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.plan.PlanJson;
import org.junit.jupiter.api.Test;

/**
 * The acceptance check through the real YAML loader: {@code plan --specs
 * crds-like-specs/examples --inventory lab-3-nodes.json --output json} gives local and remote
 * entries.
 */
class PlanCommandExamplesTest {
  @Test
  void examplesOnTheLabGiveLocalAndRemoteEntries() throws Exception {
    var r =
        PlanCommandTest.run(
            SpecLoaderHolder.LOADER,
            "--specs",
            PlanCommandTest.repoFile("crds-like-specs/examples").toString(),
            "--inventory",
            PlanCommandTest.LAB,
            "--output",
            "json");

    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    JsonNode json = PlanJson.MAPPER.readTree(r.out());
    assertThat(json.get("errors")).isEmpty();
    assertThat(json.findValues("target"))
        .extracting(t -> t.get("type").asText())
        .contains("local", "vxlan");
    assertThat(json.findValues("deliveries").stream().mapToInt(JsonNode::size).sum()).isPositive();
  }

  /** The real loader, as the command uses it by default. */
  static final class SpecLoaderHolder {
    static final java.util.function.Function<
            java.util.List<java.nio.file.Path>, io.pvespan.spec.load.LoadResult>
        LOADER = io.pvespan.spec.load.SpecLoader::load;
  }
}
