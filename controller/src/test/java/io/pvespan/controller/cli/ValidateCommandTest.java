package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./pvespan validate} through {@link Main#run}: exit codes, stdout and stderr. */
class ValidateCommandTest {
  static final String EXAMPLES = "../crds-like-specs/examples";
  static final String INVALID = "../crds-like-specs/src/test/resources/invalid/";

  record Run(int exit, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

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
  void validExamplesExitZeroWithOneSummaryLine() {
    Run run = run("validate", EXAMPLES);

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("14 specs valid in 10 files\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void oneFileAndOneSpecAreCountedInTheSingular() {
    Run run = run("validate", EXAMPLES + "/local-sensor.yaml", EXAMPLES + "/sensors.yaml");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("4 specs valid in 2 files\n");
  }

  @Test
  void aGroupFileAloneResolvesItsMembersAndItsSessionWithTheSensorsBesideIt(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Run run = run("validate", EXAMPLES + "/sensor-group.yaml");

    assertThat(run.err()).isEmpty();
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("2 specs valid in 1 file\n");

    // A member only a SensorGroup beside it names is still no Sensor.
    java.nio.file.Files.writeString(
        dir.resolve("other.yaml"),
        "apiVersion: pvespan.io/v1alpha1\nkind: SensorGroup\nmetadata: {name: ids-9}\n"
            + "spec: {members: [a, b]}\n");
    java.nio.file.Path group = dir.resolve("group.yaml");
    java.nio.file.Files.writeString(
        group,
        "apiVersion: pvespan.io/v1alpha1\nkind: SensorGroup\nmetadata: {name: pool}\n"
            + "spec: {members: [ids-9, ids-8]}\n");
    Run alone = run("validate", group.toString());
    assertThat(alone.exit()).isEqualTo(1);
    assertThat(alone.errLines())
        .containsExactly(
            group + ":4:18: spec.members[0]: no Sensor named 'ids-9' in these specs",
            group + ":4:25: spec.members[1]: no Sensor named 'ids-8' in these specs");
  }

  @Test
  void problemsExitOneWithOneLineEachOnStderr() {
    Run run = run("validate", INVALID + "gre-needs-key.yaml", INVALID + "mirror-loop.yaml");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines())
        .containsExactly(
            INVALID + "gre-needs-key.yaml:6:3: spec.remote: a GRE-family collector needs key",
            INVALID
                + "gre-needs-key.yaml:7:14: spec.remote.address: 'collector.example.org' is not an"
                + " IPv4 or IPv6 address literal",
            INVALID
                + "gre-needs-key.yaml:9:10: spec.remote.vni: a GRE-family collector takes key, not"
                + " vni",
            INVALID
                + "mirror-loop.yaml:14:18: spec.sources.vmids[1]: guest 300 is the sensor"
                + " 'loop-sensor' this session feeds: a mirror loop");
  }

  @Test
  void theWholeInvalidDirectoryGivesOneLinePerProblemAndNoStackTrace() {
    Run run = run("validate", INVALID);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(44).allMatch(l -> l.matches("\\S+\\.yaml:\\d+:\\d+: .+"));
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMissingPathIsOneLineAndExitOne() {
    Run run = run("validate", "no/such/dir");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("no/such/dir: no such file or directory");
  }

  @Test
  void usageErrorsExitTwo() {
    Run none = run("validate");
    Run unknown = run("validate", "--strict", EXAMPLES);

    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err())
        .startsWith("pvespan validate: no PATH given\nusage: ./pvespan validate [-h] [PATH...]");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("pvespan validate: unknown option '--strict'\nusage:");
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    Run help = run("validate", "--help");
    Run top = run("--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out()).startsWith("usage: ./pvespan validate [-h] [PATH...]");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).containsPattern("(?m)^  validate +check spec files");
  }

  @Test
  void aPathAfterDoubleDashMayStartWithADash() {
    Run run = run("validate", "--", "-not-there.yaml");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("-not-there.yaml: no such file or directory");
  }

  @Test
  void aFileIsValidatedWithTheSensorsOfItsDirectoryButOnlyItsOwnProblemsReported(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("sensors.yaml"),
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: ids}
        spec: {vm: {vmid: 200, nic: net1}}
        """);
    String web =
        """
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec:
          sensorRef: REF
          sources: {vmids: [101]}
        """;
    java.nio.file.Files.writeString(dir.resolve("web.yaml"), web.replace("REF", "ids"));
    java.nio.file.Files.writeString(dir.resolve("typo.yaml"), web.replace("REF", "idz"));
    java.nio.file.Files.writeString(dir.resolve("broken.yaml"), "kind: Sensor\nspec: [\n");

    Run ok = run("validate", dir + "/web.yaml");
    Run typo = run("validate", dir + "/typo.yaml");
    Run whole = run("validate", dir.toString());

    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("1 spec valid in 1 file\n");
    assertThat(typo.exit()).isEqualTo(1);
    assertThat(typo.errLines())
        .containsExactly(
            dir
                + "/typo.yaml:5:14: spec.sensorRef: no Sensor or SensorGroup named 'idz' in these specs");
    assertThat(whole.exit()).isEqualTo(1);
    assertThat(whole.err()).contains("broken.yaml:").contains("typo.yaml:5:14:");
  }
}
