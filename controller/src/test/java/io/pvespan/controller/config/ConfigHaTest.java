package io.pvespan.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ha:}: absent by default, its defaults, the password file's rule, each problem's line. */
class ConfigHaTest {
  private static final String BASE =
      "pve: {inventoryFile: inventory.json}\nspecs: {path: specs}\nagents: {tokenFile: agent-token}\n";

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("specs"));
    Files.writeString(dir.resolve("inventory.json"), "{}");
    secret("agent-token", "s3cret", "rw-------");
    secret("db-password", "pa55", "rw-------");
  }

  private void secret(String name, String content, String mode) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  private ControllerConfig load(String yaml) throws Exception {
    Path f = dir.resolve("controller.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  @Test
  void withoutHaThereIsNoDatabase() throws Exception {
    assertThat(load(BASE).ha()).isNull();
  }

  @Test
  void haWithItsDefaults() throws Exception {
    ControllerConfig.Ha ha =
        load(BASE
                + "ha:\n  jdbcUrl: jdbc:postgresql://db.example.org/pvespan\n"
                + "  user: pvespan\n  passwordFile: db-password\n")
            .ha();
    assertThat(ha.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org/pvespan");
    assertThat(ha.user()).isEqualTo("pvespan");
    assertThat(ha.password().value()).isEqualTo("pa55");
    assertThat(ha.password().toString()).doesNotContain("pa55");
    assertThat(ha.checkIn()).isEqualTo(Duration.ofSeconds(2));
    assertThat(ha.instanceId()).endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void haWithEveryField() throws Exception {
    ControllerConfig.Ha ha =
        load(BASE
                + "ha:\n  jdbcUrl: jdbc:postgresql://db/pvespan\n  user: u\n"
                + "  passwordFile: db-password\n  checkInInterval: 750ms\n"
                + "  instanceId: ctl-a\n")
            .ha();
    assertThat(ha.checkIn()).isEqualTo(Duration.ofMillis(750));
    assertThat(ha.instanceId()).isEqualTo("ctl-a");
  }

  @Test
  void aPasswordFileOthersCanReadIsRefused() throws Exception {
    secret("db-password", "pa55", "rw-r--r--");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    BASE
                        + "ha:\n  jdbcUrl: jdbc:postgresql://db/pvespan\n  user: u\n"
                        + "  passwordFile: db-password\n"));
    assertThat(String.join("\n", e.problems()))
        .contains("controller.yaml:7:3: ha.passwordFile: ")
        .contains("chmod 600");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbcUrl: jdbc:mysql://db/x|:5:3: ha.jdbcUrl 'jdbc:mysql://db/x' must be a"
            + " jdbc:postgresql://HOST[:PORT]/DATABASE URL",
        "checkInInterval: 100ms|:8:3: ha.checkInInterval '100ms' must be a duration of at least"
            + " 500ms",
        "checkInInterval: soon|:8:3: ha.checkInInterval 'soon' must be a duration of at least"
            + " 500ms",
        "instanceId: 'a b'|:8:3: ha.instanceId 'a b' must be 1 to 100 letters",
        "password: inline|:8:3: unknown key 'ha.password'",
      })
  void eachProblemAtItsLine(String line, String expected) {
    String yaml =
        BASE
            + "ha:\n"
            + (line.startsWith("jdbcUrl")
                ? "  " + line + "\n  user: u\n  passwordFile: db-password\n"
                : "  jdbcUrl: jdbc:postgresql://db/x\n  user: u\n  passwordFile: db-password\n  "
                    + line
                    + "\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
    assertThat(e).as(yaml).isNotNull();
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(expected));
  }

  /** The example's commented ha: block, uncommented, is a valid section. */
  @Test
  void theDeployExamplesHaBlockPassesTheSchema() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("../deploy/config/controller.yaml.example"));
    int start = lines.indexOf("# ha:");
    assertThat(start).as("the example has an ha: block").isPositive();
    StringBuilder block = new StringBuilder();
    for (String l : lines.subList(start, lines.size())) {
      if (!l.startsWith("# ")) {
        break;
      }
      block.append(l.substring(2)).append('\n');
    }
    Path f = dir.resolve("example.yaml");
    Files.writeString(f, BASE + block);
    var parsed = io.pvespan.spec.load.YamlDocuments.read(f, "config files");
    assertThat(parsed.problems()).isEmpty();
    assertThat(ConfigLoader.findings(parsed.documents().get(0))).isEmpty();
    assertThat(block).contains("jdbcUrl:", "passwordFile:", "checkInInterval: 2s");
  }

  @Test
  void theThreeRequiredFields() {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> load(BASE + "ha: {user: u}\n"));
    assertThat(String.join("\n", e.problems()))
        .contains("ha.jdbcUrl is missing")
        .contains("ha.passwordFile is missing");
  }
}
