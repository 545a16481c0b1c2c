package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input is refused with one line, before it can cost memory or time. The timeouts guard
 * against a hang (an expanded bomb would not finish); they do not measure speed.
 */
class LimitsTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void fileOverOneMebibyteIsRefusedWithoutParsing() throws IOException {
    Path big = dir.resolve("big.yaml");
    // Broken YAML after the limit would give a syntax error if the file were parsed at all.
    Files.writeString(big, "#".repeat((int) YamlDocuments.MAX_BYTES) + "\n: : [");

    LoadResult result = SpecLoader.load(List.of(big));

    assertThat(result.problems())
        .map(SpecProblem::toString)
        .containsExactly(big + ":1:1: file is 1048582 bytes, over the 1 MiB limit for specs");
  }

  /**
   * 60,000 unknown keys in one spec just under the size limit: every schema message used to
   * re-serialise the whole document (minutes, quadratic); now the check is linear and the listing
   * stops after {@link SchemaCheck#MAX_PROBLEMS_PER_DOCUMENT} with a count of the rest. The timeout
   * is a bound against the quadratic blow-up, not a speed claim.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSpecOfTensOfThousandsOfUnknownKeysIsReportedBrieflyAndFast() throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: pvespan.io/v1alpha1\nkind: MirrorSession\nmetadata: {name: big}\n"
                + "spec:\n  sensorRef: ids\n  sources: {vmids: [101]}\n");
    for (int i = 0; yaml.length() < YamlDocuments.MAX_BYTES - 64; i++) {
      yaml.append(String.format("  k%06d: %d%n", i, i));
    }
    Path big = dir.resolve("keys.yaml");
    Files.writeString(big, yaml);

    List<String> problems =
        SpecLoader.load(List.of(big)).problems().stream().map(SpecProblem::toString).toList();

    assertThat(problems)
        .hasSizeLessThanOrEqualTo(SchemaCheck.MAX_PROBLEMS_PER_DOCUMENT + 5)
        .anyMatch(
            p -> p.matches(".*keys.yaml:1:1: and \\d+ more schema problems in this document.*"))
        .anyMatch(p -> p.endsWith("keys.yaml:7:3: spec.k000000: unknown field"));
  }

  @Test
  void fileOfExactlyOneMebibyteIsRead() throws IOException {
    Path edge = dir.resolve("edge.yaml");
    String spec =
        "apiVersion: pvespan.io/v1alpha1\nkind: Sensor\nmetadata: {name: edge}\n"
            + "spec: {vm: {vmid: 200, nic: net1}}\n";
    int padding = (int) YamlDocuments.MAX_BYTES - spec.length() - 1;
    Files.writeString(edge, spec + "#".repeat(padding) + "\n");
    assertThat(Files.size(edge)).isEqualTo(YamlDocuments.MAX_BYTES);

    LoadResult result = SpecLoader.load(List.of(edge));

    assertThat(result.problems()).isEmpty();
    assertThat(result.specs().sensors()).hasSize(1);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void deepAliasBombIsRefusedAtTheFirstAlias() throws IOException {
    // 9^30 "lol"s if expanded.
    StringBuilder yaml =
        new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 30; i++) {
      String prev = "*l" + (i - 1);
      yaml.append("l").append(i).append(": &l").append(i).append(" [");
      yaml.append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
    }
    Path bomb = dir.resolve("bomb.yaml");
    Files.writeString(bomb, yaml);

    LoadResult result = SpecLoader.load(List.of(bomb));

    assertThat(result.problems())
        .map(SpecProblem::toString)
        .containsExactly(
            bomb
                + ":2:10: YAML alias '*l0' refused: pvespan specs do not use anchors and aliases"
                + " (alias bombs)");
  }

  @Test
  void aliasToAScalarIsRefusedTooBecauseJacksonWouldReadTheAnchorName() throws IOException {
    Path file = dir.resolve("alias.yaml");
    Files.writeString(
        file,
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: &n ids}
        spec: {remote: {address: 198.51.100.7, vni: 7}}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: m}
        spec: {sources: {vmids: [101]}, sensorRef: *n}
        """);

    assertThat(SpecLoader.load(List.of(file)).problems())
        .map(SpecProblem::toString)
        .containsExactly(
            file
                + ":9:44: YAML alias '*n' refused: pvespan specs do not use anchors and aliases"
                + " (alias bombs)");
  }

  /**
   * Found by SpecLoaderPropertiesTest: Jackson's nesting limit came out at line 0 (no location),
   * naming its Java API; now one line at the bracket past the limit.
   */
  @Test
  void nestingPastJacksonsLimitIsOneLineAtItsPlace() throws IOException {
    Path deep = dir.resolve("deep.yaml");
    Files.writeString(deep, "kind: Sensor\nspec: " + "[".repeat(3000) + "]".repeat(3000) + "\n");

    assertThat(SpecLoader.load(List.of(deep)).problems())
        .map(SpecProblem::toString)
        .containsExactly(
            deep
                + ":2:1007: YAML refused: Document nesting depth (1001) exceeds the maximum allowed"
                + " (1000)");
  }
}
