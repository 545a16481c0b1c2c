package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void initThenIssueAgentsAndTheController() throws Exception {
    String d = dir.resolve("pki").toString();
    assertThat(run("certs", "init", "--dir", d)).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ca.crt").contains("SHA-256");
    assertThat(run("certs", "issue", "--dir", d, "--node", "pve1", "--ip", "198.18.0.1"))
        .as(err())
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("CN=pve1").contains("pvespan-agent");
    assertThat(run("certs", "issue", "--dir", d, "--controller")).as(err()).isZero();
    for (String key : List.of("ca.key", "pve1.key", "controller.key")) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dir.resolve("pki").resolve(key))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void refusalsAreOneLine() {
    String d = dir.toString();
    assertThat(run("certs", "issue", "--dir", d, "--node", "pve1")).isEqualTo(1);
    assertThat(err().strip()).startsWith("pvespan certs issue: ").contains("does not exist");
    assertThat(err().strip().lines()).hasSize(1);
    assertThat(run("certs", "init", "--dir", d)).isZero();
    assertThat(run("certs", "init", "--dir", d)).isEqualTo(1);
    assertThat(err()).contains("exists; not overwriting it");
    assertThat(run("certs", "issue", "--dir", d)).isEqualTo(2);
    assertThat(run("certs", "issue", "--dir", d, "--node", "a", "--controller")).isEqualTo(2);
    assertThat(run("certs", "issue", "--dir", d, "--controller", "--ip", "10.0.0.1")).isEqualTo(2);
    assertThat(run("certs", "init", "--dir", d, "--key-type", "dsa")).isEqualTo(2);
    assertThat(err()).contains("--key-type 'dsa' must be ec or rsa");
  }
}
