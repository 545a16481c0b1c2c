package io.pvespan.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private static final String FP =
      "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("specs"));
    secret("agent-token", "s3cret");
    Files.writeString(dir.resolve("inventory.json"), "{}");
  }

  private void secret(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
  }

  /** Loads {@code yaml} from a file only its owner can read (as an inline pve.token needs). */
  private ControllerConfig load(String yaml) throws Exception {
    Path f = dir.resolve("controller.yaml");
    Files.writeString(f, yaml);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return ConfigLoader.load(f);
  }

  @Test
  void aFullConfigLoadsWithItsValues() throws Exception {
    ControllerConfig c =
        load(
            """
            pve:
              url: https://pve1.example.org:8006
              token: root@pam!pvespan=4f3c6a1e-0000-4000-8000-000000000001
              fingerprint: "%s"
            specs:
              path: specs
              git: {url: https://git.example.org/specs.git, branch: main}
            pollInterval: 3s
            listen: "[::1]:9000"
            agents:
              port: 9443
              tokenFile: agent-token
              insecure: true
              urls: {pve3: "https://10.0.0.13:9443/"}
            nodes:
              addresses: {pve2: 10.10.0.12}
              mtu: 9000
              mtus: {pve3: 1500}
            """
                .formatted(FP));
    assertThat(c.pve().url()).isEqualTo(URI.create("https://pve1.example.org:8006"));
    assertThat(c.pve().token().value()).startsWith("root@pam!pvespan=");
    assertThat(c.pve().token().toString()).doesNotContain("4f3c");
    assertThat(c.pve().fingerprint()).isEqualTo(FP);
    assertThat(c.specs().path()).isEqualTo(dir.resolve("specs"));
    assertThat(c.specs().gitBranch()).isEqualTo("main");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.statusInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.listen()).isEqualTo(new ControllerConfig.HostPort("::1", 9000));
    assertThat(c.agents().port()).isEqualTo(9443);
    assertThat(c.agents().scheme()).isEqualTo("https");
    assertThat(c.agents().token().value()).isEqualTo("s3cret");
    assertThat(c.agents().insecure()).isTrue();
    assertThat(c.agents().urls()).containsEntry("pve3", URI.create("https://10.0.0.13:9443/"));
    assertThat(c.nodeAddresses()).isEqualTo(Map.of("pve2", "10.10.0.12"));
    assertThat(c.nodes().mtu()).isEqualTo(9000);
    var applied =
        c.nodes()
            .apply(
                new Inventory(
                    List.of(
                        new InventoryNode("pve1", "198.18.0.1", true, null),
                        new InventoryNode("pve2", "198.18.0.2", true, null),
                        new InventoryNode("pve3", "198.18.0.3", true, null)),
                    List.of()));
    assertThat(applied.nodes())
        .containsExactly(
            new InventoryNode("pve1", "198.18.0.1", true, 9000),
            new InventoryNode("pve2", "10.10.0.12", true, 9000),
            new InventoryNode("pve3", "198.18.0.3", true, 1500));
  }

  @Test
  void anMtuThatIsNotOneIsReportedAtItsLine() throws Exception {
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        """
        pve: {inventoryFile: inventory.json}
        specs: {path: specs}
        agents: {tokenFile: agent-token}
        nodes:
          mtu: jumbo
          mtus: {pve2: 100}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessageContaining("controller.yaml:5:3: nodes.mtu 'jumbo' is not an MTU (576..65535)")
        .hasMessageContaining(
            "controller.yaml:6:10: nodes.mtus.pve2 '100' is not an MTU (576..65535)");
  }

  @Test
  void theInventoryFileAlternativeAndTheDefaults() throws Exception {
    ControllerConfig c =
        load(
            """
            pve: {inventoryFile: inventory.json}
            specs: {path: specs}
            agents: {tokenFile: agent-token}
            """);
    assertThat(c.pve().inventoryFile()).isEqualTo(dir.resolve("inventory.json"));
    assertThat(c.pve().url()).isNull();
    assertThat(c.listen()).isEqualTo(ControllerConfig.DEFAULT_LISTEN);
    assertThat(c.agents().port()).isEqualTo(8787);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  static Stream<Arguments> badConfigs() {
    String ok = "pve: {inventoryFile: inventory.json}\nspecs: {path: specs}\n";
    String agents = "agents:\n  tokenFile: agent-token\n";
    return Stream.of(
        Arguments.of(ok + agents + "pollIntervall: 10s\n", "5:1: unknown key 'pollIntervall'"),
        Arguments.of(
            ok + agents + "pollInterval: ten\n", "5:1: pollInterval 'ten' must be a duration"),
        Arguments.of(
            ok + agents + "listen: localhost\n", "5:1: listen 'localhost' must be HOST:PORT"),
        Arguments.of(
            ok + agents + "  port: 99999\n", "5:3: agents.port '99999' must be a port number"),
        Arguments.of(
            ok + agents + "  scheme: ftp\n", "5:3: agents.scheme must be http or https, not 'ftp'"),
        Arguments.of(
            ok + agents + "  fingerprint: AB:CD\n", "5:3: agents.fingerprint must be a SHA-256"),
        Arguments.of(
            ok + agents + "  insecure: yes please\n", "5:3: agents.insecure must be true or false"),
        Arguments.of(
            ok + agents + "  urls:\n    pve1: not a url\n",
            "6:5: agents.urls.pve1 must be an http(s)"),
        Arguments.of(
            ok + agents + "nodes:\n  addresses:\n    pve1: pve1.example.org\n",
            "7:5: nodes.addresses.pve1 'pve1.example.org' is not an IP address"),
        Arguments.of(ok + "agents:\n  port: 8787\n", "3:1: agents needs tls (mutual TLS"),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\n  token: a@pam!b=c\n  tokenFile: agent-token\n"
                + "specs: {path: specs}\n"
                + agents,
            "1:1: give exactly one of pve.token or pve.tokenFile"),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\n  token: a@pam!b=c\n  fingerprint: AA\n"
                + "specs: {path: specs}\n"
                + agents,
            "4:3: pve.fingerprint must be a SHA-256 fingerprint"),
        Arguments.of(ok + "agents:\n  tokenFile: nope\n", "4:3: agents.tokenFile: "),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\nspecs: {path: specs}\n" + agents,
            "1:1: give exactly one of pve.token or pve.tokenFile"),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\n  token: justasecret\nspecs: {path: specs}\n" + agents,
            "3:3: pve token must look like USER@REALM!TOKENID=SECRET"),
        Arguments.of(
            "pve:\n  url: pve1:8006\n  token: a@pam!b=c\nspecs: {path: specs}\n" + agents,
            "2:3: pve.url 'pve1:8006' must be an http(s)://HOST[:PORT] URL"),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\n  inventoryFile: inventory.json\n  token: a@pam!b=c\n"
                + "specs: {path: specs}\n"
                + agents,
            "1:1: pve needs exactly one of pve.url or pve.inventoryFile"),
        Arguments.of(
            "pve:\n  url: https://pve1:8006\n  token: a@pam!b=c\n  insecure: true\n  caFile: inventory.json\n"
                + "specs: {path: specs}\n"
                + agents,
            "1:1: give at most one of pve.fingerprint, pve.caFile or pve.insecure"),
        Arguments.of(
            "pve: {inventoryFile: missing.json}\nspecs: {path: specs}\n" + agents,
            "1:7: pve.inventoryFile "),
        Arguments.of(
            "pve: {inventoryFile: inventory.json}\nspecs: {path: nowhere}\n" + agents,
            "2:9: specs.path "),
        Arguments.of("specs: {path: specs}\n" + agents, "1:1: pve is missing"),
        Arguments.of(ok + agents + "pve2: [\n", "YAML syntax error"),
        Arguments.of(ok + agents + "listen: 127.0.0.1:70000\n", "5:1: listen '127.0.0.1:70000'"),
        Arguments.of(ok + agents + "pollInterval: 50ms\n", "5:1: pollInterval '50ms' must be"),
        Arguments.of(ok + agents + "statusInterval: 5\n", "5:1: statusInterval '5' must be"),
        Arguments.of(ok + agents + "  bogus: 1\n", "5:3: unknown key 'agents.bogus'"),
        Arguments.of(ok + "agents: [a]\n", "3:1: agents: "),
        Arguments.of(ok + agents + "specs2: &a {x: 1}\nlisten: *a\n", "YAML alias '*a' refused"),
        Arguments.of(ok + agents + "listen: a:1\nlisten: b:2\n", "6:1: listen: duplicate key"),
        Arguments.of("- a\n- b\n", "1:1: the config must be a mapping of keys"));
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void eachProblemIsOneLineWithItsPosition(String yaml, String expected) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
    assertThat(e).as("config should be refused:\n" + yaml).isNotNull();
    assertThat(e.problems()).hasSize(1);
    String line = e.problems().get(0);
    assertThat(line).startsWith(dir.resolve("controller.yaml").toString() + ":").contains(expected);
    assertThat(line).doesNotContain("\n");
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    "pve: {inventoryFile: inventory.json}\nspecs: {path: specs}\nbogus: 1\nlisten: x\n"));
    assertThat(e.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains(":3:1: unknown key 'bogus'"))
        .anySatisfy(p -> assertThat(p).contains(":4:1: listen 'x'"))
        .anySatisfy(p -> assertThat(p).contains("agents is missing"));
  }

  @Test
  void aTokenFileOthersCanReadIsRefused() throws Exception {
    Path t = dir.resolve("agent-token");
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    "pve: {inventoryFile: inventory.json}\nspecs: {path: specs}\nagents:\n  tokenFile: agent-token\n"));
    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains(":4:3: agents.tokenFile: ")
        .contains("readable or writable by group or others (chmod 600 it)");
  }

  @Test
  void durationsAndHostPorts() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("10")).isNull();
    assertThat(Durations.parse("-1s")).isNull();
    assertThat(ControllerConfig.HostPort.parse("0.0.0.0:8780"))
        .isEqualTo(new ControllerConfig.HostPort("0.0.0.0", 8780));
    assertThat(ControllerConfig.HostPort.parse(":8780")).isNull();
    assertThat(ControllerConfig.HostPort.parse("h:70000")).isNull();
  }

  @Test
  void anInlinePveTokenIsRefusedInAConfigOthersCanRead() throws Exception {
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        "pve:\n  url: https://pve1:8006\n  token: a@pam!b=s3cr3t\nspecs: {path: specs}\n"
            + "agents: {tokenFile: agent-token}\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(f));

    assertThat(e).isNotNull();
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(f + ":3:3: pve.token: " + f + " is readable or writable by group or others")
        .contains("pve.tokenFile")
        .doesNotContain("s3cr3t");

    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(ConfigLoader.load(f).pve().token().value()).isEqualTo("a@pam!b=s3cr3t");
  }

  @Test
  void aTokenFileKeepsAConfigOthersCanReadUsable() throws Exception {
    secret("pve-token", "a@pam!b=s3cr3t");
    Path f = dir.resolve("controller.yaml");
    Files.writeString(
        f,
        "pve:\n  url: https://pve1:8006\n  tokenFile: pve-token\nspecs: {path: specs}\n"
            + "agents: {tokenFile: agent-token}\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(ConfigLoader.load(f).pve().token().value()).isEqualTo("a@pam!b=s3cr3t");
  }

  @Test
  void anEmptyFileLacksTheRequiredSections() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(""));
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            dir.resolve("controller.yaml")
                + ":1:1: pve is missing (pve.url with a token, or"
                + " pve.inventoryFile)",
            dir.resolve("controller.yaml") + ":1:1: specs is missing",
            dir.resolve("controller.yaml")
                + ":1:1: agents is missing (agents.tls for mutual TLS, or agents.tokenFile)");
  }

  /** The example shipped for people is a valid config in every part the schema checks. */
  @Test
  void theDeployExamplePassesTheSchema() throws Exception {
    Path example = Path.of("../deploy/config/controller.yaml.example");
    var parsed = io.pvespan.spec.load.YamlDocuments.read(example, "config files");
    assertThat(parsed.problems()).isEmpty();
    assertThat(ConfigLoader.findings(parsed.documents().get(0))).isEmpty();
  }

  @Test
  void specsGitTakesCredentialsAndAPollIntervalAndCreatesItsClone() throws Exception {
    secret("git-credentials", "pvespan:glpat-0123");
    ControllerConfig c =
        load(
            """
            pve: {inventoryFile: inventory.json}
            specs:
              path: clone
              git:
                url: https://git.example.org/specs.git
                credentialsFile: git-credentials
                pollInterval: 1m
            agents: {tokenFile: agent-token, insecure: true}
            """);
    ControllerConfig.Git git = c.specs().git();
    assertThat(git.url()).isEqualTo("https://git.example.org/specs.git");
    assertThat(git.branch()).isEqualTo("main");
    assertThat(git.credentials().value()).isEqualTo("pvespan:glpat-0123");
    assertThat(git.pollInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.specs().path()).isEqualTo(dir.resolve("clone"));
  }

  @Test
  void specsGitRefusesSshAndLooseCredentialsAtTheirLines() throws Exception {
    Path loose = dir.resolve("loose");
    Files.writeString(loose, "u:p\n");
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    """
                    pve: {inventoryFile: inventory.json}
                    specs:
                      path: clone
                      git:
                        url: git@git.example.org:sec/specs.git
                        sshKeyFile: id_ed25519
                        credentialsFile: loose
                    agents: {tokenFile: agent-token, insecure: true}
                    """));
    assertThat(e.problems())
        .anyMatch(p -> p.matches(".*controller.yaml:5:5: specs.git.url .*SSH is not supported.*"))
        .anyMatch(p -> p.matches(".*controller.yaml:6:5: specs.git.sshKeyFile: SSH is not.*"))
        .anyMatch(
            p -> p.matches(".*controller.yaml:7:5: specs.git.credentialsFile: .*chmod 600.*"));
  }
}
