package io.pvespan.controller.pve.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The hostile netN corpus ({@code src/test/resources/hostile/netN.tsv}) as a table test. */
class NetConfigHostileCorpusTest {
  static Stream<Arguments> corpus() throws IOException {
    return Files.readAllLines(Path.of("src/test/resources/hostile/netN.tsv")).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("\t", 3))
        .map(cells -> Arguments.of(cells[0], unescape(cells[1]), unescape(cells[2])));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("corpus")
  void isRefusedInOneLine(String type, String value, String message) {
    Throwable refused =
        catchThrowable(() -> NetConfigParser.parse(GuestType.parse(type), new NicId(7), value));

    assertThat(refused).isInstanceOf(IllegalArgumentException.class);
    assertThat(refused.getMessage()).startsWith(message).doesNotContain("\n", "\r");
  }

  /** The corpus escapes ({@code \n}, {@code \r}, {@code \t}, backslash, {@code u} and 4 hex). */
  static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(next);
      }
    }
    return out.toString();
  }
}
