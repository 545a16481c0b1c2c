package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never a stack trace: truncated and corrupted versions of the examples give problems (or a valid
 * set), never an exception, and every problem is one line naming the file.
 */
class GarbageInputTest {
  static final byte[] NOISE = ":-[]{}&*!|>'\"#\t\n ,?%@`0aZ".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void truncatedSpecsNeverThrow() throws IOException {
    byte[] text = Files.readAllBytes(Path.of("examples/filters.yaml"));
    Path file = dir.resolve("cut.yaml");
    for (int end = 0; end <= text.length; end += 5) {
      Files.write(file, java.util.Arrays.copyOf(text, end));
      assertOneLineProblems(file, SpecLoader.load(List.of(file)));
    }
  }

  @Test
  void corruptedSpecsNeverThrow() throws IOException {
    byte[] text = Files.readAllBytes(Path.of("examples/sensors.yaml"));
    Random random = new Random(42);
    Path file = dir.resolve("noise.yaml");
    for (int round = 0; round < 300; round++) {
      byte[] copy = text.clone();
      for (int i = 0; i < 3; i++) {
        copy[random.nextInt(copy.length)] = NOISE[random.nextInt(NOISE.length)];
      }
      Files.write(file, copy);
      assertOneLineProblems(file, SpecLoader.load(List.of(file)));
    }
  }

  private static void assertOneLineProblems(Path file, LoadResult result) {
    assertThat(result.ok()).isEqualTo(result.specs() != null);
    for (SpecProblem p : result.problems()) {
      assertThat(p.file()).isEqualTo(file.toString());
      assertThat(p.toString()).doesNotContain("\n").doesNotContain("Exception");
      assertThat(p.message()).isNotBlank();
    }
  }
}
