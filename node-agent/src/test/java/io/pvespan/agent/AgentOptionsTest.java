package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.version.PvespanVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class AgentOptionsTest {
  private static final String BASE =
      "--node pve1 --listen 127.0.0.1:8443 --state-dir /var/lib/pvespan --token-file /etc/t";
  private static final String LAB = BASE + " --insecure-lab-http";

  private static AgentOptions parse(String line) throws UsageException {
    return AgentOptions.parse(line.split(" "));
  }

  @Test
  void parsesAllOptions() throws UsageException {
    AgentOptions o = parse(BASE + " --tls-cert c.pem --tls-key=k.pem --netns pspsnode1 --resync 5");
    assertThat(o.node()).isEqualTo("pve1");
    assertThat(o.listen().getPort()).isEqualTo(8443);
    assertThat(o.stateDir()).isEqualTo(Path.of("/var/lib/pvespan"));
    assertThat(o.tlsKey()).contains(Path.of("k.pem"));
    assertThat(o.netns()).contains("pspsnode1");
    assertThat(o.resync()).isEqualTo(Duration.ofSeconds(5));
    assertThat(parse(LAB).resync()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse(LAB).tls()).isFalse();
    assertThat(parse(LAB).insecureLabHttp()).isTrue();
    assertThat(o.insecureLabHttp()).isFalse();
    assertThat(o.mutualTls()).isFalse();
  }

  @Test
  void mutualTlsMakesTheTokenOptional() throws UsageException {
    AgentOptions o =
        parse(
            "--node pve1 --listen 127.0.0.1:8443 --state-dir d"
                + " --tls-cert c.pem --tls-key k.pem --tls-ca ca.pem");
    assertThat(o.mutualTls()).isTrue();
    assertThat(o.tlsCa()).contains(Path.of("ca.pem"));
    assertThat(o.tokenFile()).isEmpty();
    assertThat(parse(BASE + " --tls-cert c.pem --tls-key k.pem --tls-ca ca.pem").tokenFile())
        .contains(Path.of("/etc/t"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--listen 127.0.0.1:1 --state-dir d --token-file t|--node is required",
        "--node pve1 --state-dir d --token-file t|--listen is required",
        "--node pve1 --listen 127.0.0.1:1 --token-file t|--state-dir is required",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --insecure-lab-http|--token-file is required unless --tls-ca",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t|no TLS: give --tls-cert, --tls-key and --tls-ca (mutual TLS), or --insecure-lab-http",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --tls-ca ca|--tls-ca needs --tls-cert and --tls-key",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --tls-cert c --tls-key k|--token-file is required unless --tls-ca",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --tls-cert c --tls-key k --insecure-lab-http|exclude each other",
        "--node a;b --listen 127.0.0.1:1 --state-dir d --token-file t|--node 'a;b' is not a node name",
        "--node pve1 --listen 127.0.0.1 --state-dir d --token-file t|is not HOST:PORT",
        "--node pve1 --listen 127.0.0.1:99999 --state-dir d --token-file t|outside 0..65535",
        "--node pve1 --listen 127.0.0.1:x --state-dir d --token-file t|the port is not a number",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --tls-cert c|go together",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --resync 0|--resync '0'",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --netns ../x|--netns '../x'",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --bogus 1|unknown option",
        "--node pve1 --node pve2 --listen 127.0.0.1:1 --state-dir d --token-file t|given twice",
        "--node|--node needs a value",
        "--node= --listen 127.0.0.1:1 --state-dir d --token-file t|--node needs a value",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t --resyn 5|did you mean --resync?",
        "--node pve1 --listen 127.0.0.1:1 --state-dir d --token-file t extra|unexpected argument 'extra'",
      })
  void usageMistakesAreOneLine(String line, String message) {
    assertThatThrownBy(() -> parse(line))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void canaryIntervalIsSecondsZeroTurnsCanariesOff() throws UsageException {
    assertThat(parse(LAB).canaryInterval()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(parse(LAB + " --canary-interval 0.5").canaryInterval())
        .isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(parse(LAB + " --canary-interval 0").canaryInterval()).isZero();
    for (String bad : List.of("0.1", "-1", "3601", "ten", "0.0005")) {
      assertThatThrownBy(() -> parse(LAB + " --canary-interval " + bad))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--canary-interval '" + bad + "'");
    }
  }

  @Test
  void bothValueFormsAreTheSame() throws UsageException {
    assertThat(parse(LAB.replace("--node pve1", "--node=pve1") + " --resync=7"))
        .isEqualTo(parse(LAB + " --resync 7"));
  }

  @Test
  void helpDescribesEveryOptionAndTheVersionIsTheProjects() {
    CommandLine line = AgentArgs.commandLine();
    String help = line.getUsageMessage();
    assertThat(help).startsWith("usage: ./pvespan agent --node NAME --listen HOST:PORT");
    for (OptionSpec o : line.getCommandSpec().options()) {
      assertThat(o.description()).as(o.longestName()).isNotEmpty();
      assertThat(help).contains(o.longestName()).contains(o.description()[0].split(" ")[0]);
    }
    assertThat(line.getCommandSpec().options()).hasSize(14);
    assertThat(new AgentArgs.Version().getVersion())
        .singleElement()
        .asString()
        .startsWith("pvespan " + PvespanVersion.get() + " (node agent)")
        .doesNotContain("unknown");
  }
}
