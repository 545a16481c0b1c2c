package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.agent.fakes.FakeConverger;
import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.state.PlanStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile plan corpus ({@code src/test/resources/hostile-plans/}): host devices as sources and
 * targets, injection and unicode in names, pinned, fractional, string and negative generations,
 * wrong types, names instead of addresses, null entries, other nodes and kinds, unknown fields,
 * stale digests, trailing garbage, comments. Each is refused with the reason listed in {@code
 * expected-outcomes.tsv}, and the agent keeps no plan.
 */
class HostilePlansTest {
  static final Path DIR = Path.of("src/test/resources/hostile-plans");
  static final Path EXPECTED = DIR.resolve("expected-outcomes.tsv");

  @TempDir Path state;

  static Map<String, String[]> expected() throws IOException {
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] cells = line.split("\t", 3);
        rows.put(cells[0], new String[] {cells[1], cells[2]});
      }
    }
    return rows;
  }

  static Stream<Arguments> corpus() throws IOException {
    return expected().entrySet().stream()
        .map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedForItsReason(String name, String outcome, String reason) throws IOException {
    AgentReconciler reconciler =
        new AgentReconciler(
            Plans.NODE,
            new FakeConverger(),
            new MutableClock(Instant.EPOCH),
            Duration.ofSeconds(30));
    PlanIntake intake =
        new PlanIntake(
            Plans.NODE,
            io.pvespan.agent.engine.Underlay.of("198.18.0.0/15"),
            new PlanStore(state),
            reconciler);

    PlanIntake.Outcome answer = intake.offer(Files.readAllBytes(DIR.resolve(name)));

    assertThat(answer.getClass().getSimpleName()).isEqualTo(outcome);
    PlanIntake.Outcome.Invalid invalid = (PlanIntake.Outcome.Invalid) answer;
    assertThat(invalid.details()).isNotEmpty().allMatch(d -> !d.isBlank() && !d.contains("\n"));
    assertThat(escaped(invalid.error() + ": " + invalid.details().get(0))).startsWith(reason);
    assertThat(reconciler.plan()).isEmpty();
    assertThat(state.resolve(PlanStore.FILE)).doesNotExist();
  }

  @Test
  void everyCorpusFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
    List<String> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
    }
    assertThat(expected().keySet()).containsExactlyInAnyOrderElementsOf(files);
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    text.chars()
        .forEach(
            c -> out.append(c >= 0x20 && c < 0x7f ? "" + (char) c : String.format("\\u%04x", c)));
    return out.toString();
  }
}
