package io.pvespan.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.version.PvespanVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class MainTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "pve-standin"})
  void helpDescribesEveryOption(String name) {
    CommandLine command = Main.commandLine(System.out).getSubcommands().get(name);
    Run help = run(name, "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).startsWith("usage: ./pvespan " + name + " [-h]");
    for (OptionSpec o : command.getCommandSpec().options()) {
      assertThat(o.description()).as(o.longestName()).isNotEmpty();
      assertThat(help.out()).contains(o.longestName()).contains(o.description()[0].split(" ")[0]);
    }
  }

  @Test
  void versionListAndSuggestions() {
    assertThat(run("--version").out())
        .isEqualTo("pvespan " + PvespanVersion.get() + " (lab)" + System.lineSeparator());
    assertThat(run("--help").out()).containsPattern("(?m)^  demo +the whole system");
    Run typo = run("deno");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err())
        .isEqualTo(
            "pvespan: 'deno' is not a lab command; did you mean demo? (see ./pvespan --help)"
                + System.lineSeparator());
    Run both = run("demo", "--keep", "--down");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).startsWith("pvespan demo: --keep and --down exclude each other\n");
  }

  @Test
  void aNonNumberIsAUsageError() {
    Run r =
        run(
            "pve-standin",
            "--inventory",
            "i",
            "--listen",
            "h:1",
            "--token-file",
            "t",
            "--latency-ms=soon");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("pvespan pve-standin: invalid value for option '--latency-ms'");
  }
}
