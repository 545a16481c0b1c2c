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

  /**
   * Found by SpecLoaderPropertiesTest: bytes that are not UTF-8 were reported with the decoder's
   * exception class name ({@code java.io.CharConversionException: ... byte #-1}).
   */
  @Test
  void bytesThatAreNotUtf8AreSaidInWords() throws IOException {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "kind: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    Path cut = dir.resolve("cut.yaml");
    Files.write(cut, new byte[] {'f', (byte) 0xf4, 0x1c});

    assertThat(SpecLoader.load(List.of(latin1, cut)).problems())
        .map(SpecProblem::toString)
        .containsExactly(
            cut
                + ":1:1: YAML syntax error: the file is not UTF-8 text: End-of-input after first 2"
                + " byte(s) of a UTF-8 character: needed at least one more",
            latin1
                + ":1:5: YAML syntax error: the file is not UTF-8 text: End-of-input after first 2"
                + " byte(s) of a UTF-8 character: needed at least one more");
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
