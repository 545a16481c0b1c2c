package io.pvespan.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code agents.tls}, {@code agents.scheme: http} and the lab flag, each refused at its key. */
class ConfigAgentsTransportTest {
  private static final String HEAD = "pve: {inventoryFile: inventory.json}\nspecs: {path: specs}\n";

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("specs"));
    Files.writeString(dir.resolve("inventory.json"), "{}");
    for (String f : new String[] {"agent-token", "ca.crt", "controller.crt", "controller.key"}) {
      Files.writeString(dir.resolve(f), "x\n");
      Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rw-------"));
    }
  }

  private ControllerConfig load(String agents) throws Exception {
    Path f = dir.resolve("controller.yaml");
    Files.writeString(f, HEAD + "agents:\n" + agents);
    return ConfigLoader.load(f);
  }

  private static final String TLS =
      "  tls: {ca: ca.crt, cert: controller.crt, key: controller.key}\n";

  @Test
  void mutualTlsAloneIsEnoughAndResolvesItsFiles() throws Exception {
    ControllerConfig c = load(TLS);
    assertThat(c.agents().token()).isNull();
    assertThat(c.agents().scheme()).isEqualTo("https");
    assertThat(c.agents().tls())
        .isEqualTo(
            new ControllerConfig.MutualTls(
                dir.resolve("ca.crt"),
                dir.resolve("controller.crt"),
                dir.resolve("controller.key")));
  }

  @Test
  void mutualTlsWithTheTokenKeepsBoth() throws Exception {
    ControllerConfig c = load(TLS + "  tokenFile: agent-token\n");
    assertThat(c.agents().token().value()).isEqualTo("x");
    assertThat(c.agents().tls()).isNotNull();
  }

  @Test
  void plainHttpWithTheLabFlagIsAccepted() throws Exception {
    ControllerConfig c =
        load(
            "  scheme: http\n  insecureLabHttp: true\n  tokenFile: agent-token\n"
                + "  urls: {pve1: \"http://198.18.0.1:8787\"}\n");
    assertThat(c.agents().scheme()).isEqualTo("http");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "  scheme: http\\n  tokenFile: agent-token\\n"
            + "|4:3: agents.scheme http sends plans and the agents' credential in plain text",
        "  tokenFile: agent-token\\n  urls: {pve1: \"http://198.18.0.1:8787\"}\\n"
            + "|5:10: agents.urls.pve1 http sends plans",
        "  scheme: http\\n  insecureLabHttp: false\\n  tokenFile: agent-token\\n"
            + "|4:3: agents.scheme http sends plans",
        "  scheme: http\\n  insecureLabHttp: true\\n"
            + TLS_CSV
            + "|4:3: agents.scheme is http but"
            + " agents.tls is set: mutual TLS needs https",
        "  port: 8787\\n|3:1: agents needs tls (mutual TLS, see ./pvespan certs) or tokenFile",
        TLS_CSV + "  insecure: true\\n|4:3: agents.tls trusts the agents by its CA",
        "  tls: {ca: ca.crt, cert: controller.crt}\\n|4:3: agents.tls.key is missing",
        "  tls: {ca: nope.crt, cert: controller.crt, key: controller.key}\\n"
            + "|4:9: agents.tls.ca ",
        "  insecureLabHttp: maybe\\n  tokenFile: agent-token\\n"
            + "|4:3: agents.insecureLabHttp must be true or false",
      })
  void refusedAtTheKey(String agents, String expected) throws Exception {
    assertThatThrownBy(() -> load(agents.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("controller.yaml:" + expected);
  }

  private static final String TLS_CSV =
      "  tls: {ca: ca.crt, cert: controller.crt, key: controller.key}\\n";

  @Test
  void aKeyOthersCanReadIsRefused() throws Exception {
    Files.setPosixFilePermissions(
        dir.resolve("controller.key"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> load(TLS))
        .hasMessageContaining("controller.yaml:4:")
        .hasMessageContaining("agents.tls.key: ")
        .hasMessageContaining("chmod 600");
  }
}
