package io.pvespan.controller.cli;

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
import picocli.CommandLine.Model.ArgSpec;

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

  @Test
  void controllerAndStatusAreCommandsWithUsage() {
    assertThat(Main.commands()).containsKeys("controller", "status");
    Run status = run("status", "--help");
    Run controller = run("controller", "--help");
    assertThat(status.exit()).isZero();
    assertThat(controller.exit()).isZero();
    assertThat(status.out())
        .startsWith("usage: ./pvespan status [-h] [--controller=URL] [-o=FORMAT]")
        .contains("default: " + StatusCommand.DEFAULT_CONTROLLER);
    assertThat(controller.out()).startsWith("usage: ./pvespan controller [-h] --config=FILE");
  }

  /** Every option and argument of every command has a description, and --help shows it. */
  @ParameterizedTest
  @ValueSource(strings = {"validate", "plan", "inventory", "controller", "status"})
  void helpDescribesEveryOption(String name) {
    CommandLine command = Main.commands().get(name);
    List<ArgSpec> args = command.getCommandSpec().args();
    assertThat(args).isNotEmpty();
    String help = run(name, "--help").out();
    for (ArgSpec arg : args) {
      if (arg.hidden()) {
        // Recognised only to be refused with a reason (--pve-token): not offered in the help.
        assertThat(help).doesNotContain(((CommandLine.Model.OptionSpec) arg).longestName() + " ");
        continue;
      }
      assertThat(arg.description()).as(name + " " + arg).isNotEmpty();
      assertThat(String.join(" ", arg.description())).as(name + " " + arg).hasSizeGreaterThan(10);
      String label =
          arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel();
      assertThat(help).as(name + " --help").contains(label);
      // The first words of its description (the help wraps long lines).
      String start = String.join(" ", arg.description()).split(" ")[0];
      assertThat(help).contains(start);
    }
    assertThat(help).startsWith("usage: ./pvespan " + name);
  }

  @Test
  void topLevelHelpListsEveryCommandOfEveryJar() {
    Run top = run("--help");
    assertThat(top.exit()).isZero();
    for (String c :
        List.of("validate", "plan", "inventory", "controller", "status", "agent", "demo")) {
      assertThat(top.out()).containsPattern("(?m)^  " + c + " +\\S");
    }
    assertThat(top.out()).contains("pve-standin").contains("--version");
  }

  @Test
  void versionIsTheProjectVersion() {
    Run v = run("--version");
    assertThat(v.exit()).isZero();
    assertThat(PvespanVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(v.out()).startsWith("pvespan " + PvespanVersion.get() + " (");
  }

  @Test
  void aMistypedCommandOrOptionGetsASuggestionInOneLine() {
    Run plna = run("plna");
    assertThat(plna.exit()).isEqualTo(2);
    assertThat(plna.out()).isEmpty();
    assertThat(plna.err())
        .isEqualTo(
            "pvespan: unknown command 'plna'; did you mean plan? (see ./pvespan --help)"
                + System.lineSeparator());

    Run option = run("status", "--controler", "http://x:1");
    assertThat(option.exit()).isEqualTo(2);
    assertThat(option.err().lines().findFirst().orElseThrow())
        .isEqualTo("pvespan status: unknown option '--controler'; did you mean --controller?");
  }

  @Test
  void noCommandIsAUsageError() {
    Run none = run();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).startsWith("pvespan: a COMMAND is required");
  }

  @Test
  void equalsAndSpaceFormsAreTheSame() {
    Run spaced = run("status", "--output", "xml");
    Run joined = run("status", "--output=xml");
    Run shortForm = run("status", "-o", "xml");
    assertThat(spaced.exit()).isEqualTo(2);
    assertThat(spaced.err())
        .startsWith("pvespan status: --output must be text or json, not 'xml'")
        .isEqualTo(joined.err())
        .isEqualTo(shortForm.err());
  }

  @Test
  void labCommandsAreNotInTheControllerJarAndSayWhereTheyAre() {
    assertThat(Main.commands()).doesNotContainKeys("demo", "pve-standin", "agent");
    Run demo = run("demo");
    assertThat(demo.exit()).isEqualTo(2);
    assertThat(demo.err())
        .isEqualTo(
            "pvespan: 'demo' lives in the lab jar (lab/target/pvespan-lab.jar), not in the"
                + " controller's; run ./pvespan demo"
                + System.lineSeparator());
    assertThat(demo.out()).isEmpty();
    assertThat(run("agent", "--node", "x").err())
        .contains("'agent' lives in the agent jar (node-agent/target/pvespan-agent.jar)");
  }
}
