package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile spec corpus ({@code src/test/resources/hostile/}): alias bombs, deep nesting, Java
 * and Python tags, bytes that are not UTF-8, NUL, bidi and shell characters, huge and wrong-typed
 * numbers, very long keys. Each file is refused within the bound with the exact first problem
 * listed in {@code expected-first-problems.tsv}, and every problem is one line inside the file.
 */
class HostileSpecsTest {
  static final Path DIR = Path.of("src/test/resources/hostile");
  static final Path EXPECTED = DIR.resolve("expected-first-problems.tsv");

  static Map<String, String> expected() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] cells = line.split("\t", 2);
        rows.put(cells[0], cells[1]);
      }
    }
    return rows;
  }

  static Stream<Arguments> corpus() throws IOException {
    return expected().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithItsFirstProblem(String name, String firstProblem) throws IOException {
    Path file = DIR.resolve(name);
    LoadResult result =
        assertTimeoutPreemptively(
            SpecLoaderPropertiesTest.BOUND, () -> SpecLoader.load(List.of(file)));

    assertThat(result.ok()).isFalse();
    SpecProblem first = result.problems().get(0);
    assertThat(
            SpecLoaderPropertiesTest.escaped(
                first.line() + ":" + first.column() + ": " + first.message()))
        .isEqualTo(firstProblem);
    SpecLoaderPropertiesTest.assertProblemsInside(file, Files.readAllBytes(file), result);
  }

  @Test
  void everyCorpusFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
    List<String> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith(".tsv"))
              .sorted()
              .toList();
    }
    assertThat(expected().keySet()).containsExactlyInAnyOrderElementsOf(files);
  }
}
