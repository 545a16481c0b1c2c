package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the spec loader over hostile files: whatever the bytes, {@link SpecLoader#load}
 * answers within a bound with either a spec set or problems, never an exception; every problem is
 * one line naming the file, at a line and column inside it (line 0 only for a file-wide problem). A
 * broken repository never yields a partial set, and loading is deterministic.
 */
class SpecLoaderPropertiesTest {
  /** Not a speed claim: a bound that only a hang or a blow-up (an expanded bomb) would reach. */
  static final Duration BOUND = Duration.ofSeconds(10);

  private static Path dir;

  @BeforeContainer
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("pvespan-spec-props");
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 250)
  void arbitraryBytesGiveProblemsInsideTheFile(@ForAll("bytes") byte[] content) throws IOException {
    checkLoad(content);
  }

  /**
   * Found by the property above in a fresh-clone CI run: SnakeYAML's message quoted the newline it
   * found ("but found \n(10)"), which split the problem over two lines.
   */
  @Example
  void aDirectiveCutByANewlineIsOneLine() throws IOException {
    LoadResult r = checkLoad("%\n".getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.toString()).contains("but found \\u000a(10)"));
  }

  /** jqwik found it (fresh-clone CI): SnakeYAML folds U+0085 in a plain scalar into a newline. */
  @Example
  void aValueQuotedBackInAProblemIsOneLine() throws IOException {
    LoadResult r = checkLoad("kind: Sensor\n\u0085 ---\n".getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems())
        .anySatisfy(p -> assertThat(p.toString()).contains("unknown kind 'Sensor\\u000a---'"));
  }

  @Property(tries = 150)
  void yamlShapedNoiseGivesProblemsInsideTheFile(@ForAll("yamlNoise") String content)
      throws IOException {
    checkLoad(content.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 150)
  void mutatedExamplesGiveASetOrProblemsInsideTheFile(@ForAll("mutatedExamples") String content)
      throws IOException {
    checkLoad(content.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code content} as a spec file, loads it twice within the bound, checks the answers. */
  static LoadResult checkLoad(byte[] content) throws IOException {
    Path file = dir.resolve("hostile.yaml");
    Files.write(file, content);
    LoadResult first = assertTimeoutPreemptively(BOUND, () -> SpecLoader.load(List.of(file)));
    LoadResult again = SpecLoader.load(List.of(file));
    assertThat(again.problems()).isEqualTo(first.problems());
    assertProblemsInside(file, content, first);
    return first;
  }

  /** The invariants of a load result for one file of {@code content}. */
  static void assertProblemsInside(Path file, byte[] content, LoadResult result) {
    assertThat(result.ok()).isEqualTo(result.specs() != null);
    assertThat(result.ok()).isEqualTo(result.problems().isEmpty());
    String text = new String(content, StandardCharsets.UTF_8);
    int lines = lines(text).size();
    // SnakeYAML may count a break as a column (a lone CR at the end, LS): bound by the lines
    // with their breaks, plus the position just past the end.
    int longest =
        Arrays.stream(text.split("(?<=\\r\\n|\\r(?!\\n)|[\\n\\u0085\\u2028\\u2029])"))
            .mapToInt(l -> l.codePointCount(0, l.length()))
            .max()
            .orElse(0);
    for (SpecProblem p : result.problems()) {
      String shown = p + " for " + escaped(text);
      assertThat(p.file()).as(shown).isEqualTo(file.toString());
      assertThat(p.message()).as(shown).isNotBlank();
      assertThat(p.toString()).as(shown).doesNotContain("\n", "\r", "Exception", "\tat ");
      assertThat(p.line()).as(shown).isBetween(1, lines);
      assertThat(p.column()).as(shown).isBetween(1, longest + 1);
    }
  }

  /** {@code text} with everything outside printable ASCII as {@code \\uXXXX}, for messages. */
  static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    text.chars()
        .forEach(
            c -> out.append(c >= 0x20 && c < 0x7f ? "" + (char) c : String.format("\\u%04x", c)));
    return out.toString();
  }

  /**
   * The file's lines with every break a YAML parser may count (CR, LF, CRLF, and YAML 1.1's NEL, LS
   * and PS): an upper bound for a problem's line; a file has at least one, possibly empty, line.
   */
  static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        lines.add(line.toString());
        line.setLength(0);
      } else {
        line.append(c);
      }
    }
    lines.add(line.toString());
    return lines;
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
  }

  /**
   * Lines of YAML syntax, indentation, spec keys and hostile scalars (tags, anchors, aliases,
   * directives, huge numbers, control and bidi characters), joined with the line breaks YAML knows.
   */
  @Provide
  Arbitrary<String> yamlNoise() {
    Arbitrary<String> token =
        Arbitraries.oneOf(
            Arbitraries.of(
                "apiVersion: pvespan.io/v1alpha1",
                "kind: Sensor",
                "kind: MirrorSession",
                "metadata:",
                "name: x",
                "spec:",
                "sources:",
                "vmids: [101, 102]",
                "sensorRef: ids-1",
                "vm: {vmid: 200, nic: net1}",
                "remote: {address: 198.18.0.9, vni: 4242}",
                "direction: both",
                "---",
                "...",
                "%YAML 1.1",
                "%TAG ! tag:x,2000:",
                "- ",
                "? ",
                ": ",
                "&a [1]",
                "*a",
                "<<: *a",
                "!!binary aGVsbG8=",
                "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]",
                "!!python/object/apply:os.system ['id']",
                "vmid: 99999999999999999999999999",
                "vni: 1e400",
                "vni: -.inf",
                "vni: .nan",
                "name: \"\\uD800\"",
                "name: '\u202Eevil'",
                "'",
                "\"",
                "|",
                ">-",
                "{",
                "[",
                "}",
                "]",
                "#",
                "\t",
                "\u0000",
                "\uFEFF",
                "\u0085",
                "[".repeat(1001),
                "{a: ".repeat(600)),
            Arbitraries.strings().all().ofMaxLength(10));
    Arbitrary<String> line =
        Combinators.combine(
                Arbitraries.strings().withChars(' ').ofMaxLength(6),
                token.list().ofMinSize(1).ofMaxSize(3))
            .as((indent, parts) -> indent + String.join(" ", parts));
    Arbitrary<String> lineBreak = Arbitraries.of("\n", "\n", "\n", "\r\n", "\r", "\u2028");
    return Combinators.combine(line.list().ofMaxSize(20), lineBreak.list().ofSize(20))
        .as(
            (lines, breaks) -> {
              StringBuilder out = new StringBuilder();
              for (int i = 0; i < lines.size(); i++) {
                out.append(lines.get(i)).append(breaks.get(i));
              }
              return out.toString();
            });
  }

  /** An example spec file with a few lines deleted, duplicated, re-indented or spliced. */
  @Provide
  Arbitrary<String> mutatedExamples() {
    List<String> examples;
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      examples =
          files.sorted().map(SpecLoaderPropertiesTest::read).filter(t -> !t.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.of(Mutation.Kind.class),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.of(
                    "",
                    "  ",
                    "x",
                    "-1",
                    "net99",
                    "eth0",
                    "tap1;reboot",
                    "$(id)",
                    "*a",
                    "&a",
                    "!!str",
                    "{",
                    "'",
                    "é",
                    "a".repeat(200),
                    "18446744073709551616"))
            .as(Mutation::new);
    return Combinators.combine(Arbitraries.of(examples), mutation.list().ofMinSize(1).ofMaxSize(4))
        .as(
            (text, mutations) -> {
              List<String> lines = new ArrayList<>(text.lines().toList());
              mutations.forEach(m -> m.apply(lines));
              return String.join("\n", lines) + "\n";
            });
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One edit of a spec file's lines. */
  record Mutation(Kind kind, int at, String text) {
    enum Kind {
      DELETE,
      DUPLICATE,
      INDENT,
      DEDENT,
      REPLACE_VALUE,
      INSERT
    }

    void apply(List<String> lines) {
      if (lines.isEmpty()) {
        lines.add(text);
        return;
      }
      int i = at % lines.size();
      String line = lines.get(i);
      switch (kind) {
        case DELETE -> lines.remove(i);
        case DUPLICATE -> lines.add(i, line);
        case INDENT -> lines.set(i, "  " + line);
        case DEDENT -> lines.set(i, line.stripLeading());
        case REPLACE_VALUE -> {
          int colon = line.indexOf(": ");
          lines.set(i, colon < 0 ? line + text : line.substring(0, colon + 2) + text);
        }
        case INSERT ->
            lines.add(i, line.substring(0, line.length() - line.stripLeading().length()) + text);
      }
    }
  }
}
