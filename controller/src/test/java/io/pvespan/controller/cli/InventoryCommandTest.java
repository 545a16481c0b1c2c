package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.InventoryJson;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInFixture;
import io.pvespan.lab.standin.StandInToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryCommandTest {
  static final String TOKEN = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";

  @TempDir Path dir;
  ProxmoxStandIn standIn;
  Path tokenFile;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    standIn =
        ProxmoxStandIn.builder(StandInFixture.cluster(), StandInToken.parse(TOKEN))
            .authFailureDelay(Duration.ZERO)
            .start();
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void stop() {
    standIn.close();
  }

  int run(String... args) {
    return runWithStdin("", args);
  }

  int runWithStdin(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("inventory"));
    all.addAll(List.of(args));
    return Main.run(
        all,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsTheInventoryFileFormat() throws Exception {
    int code = run("--pve-url", standIn.url().toString(), "--pve-token-file", tokenFile.toString());

    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    Path saved = dir.resolve("cluster.json");
    Files.writeString(saved, out.toString());
    assertThat(InventoryJson.read(saved)).isEqualTo(StandInFixture.cluster().sorted());
  }

  @Test
  void usageMistakesExit2() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).startsWith("pvespan inventory: --pve-url is required");
    assertThat(run("--pve-url", "https://x", "--pve-token", TOKEN, "--pve-token-file", "f"))
        .isEqualTo(2);
  }

  @Test
  void problemsExit1WithOneLineAndNoSecret() throws Exception {
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(run("--pve-url", standIn.url().toString(), "--pve-token-file", tokenFile.toString()))
        .isEqualTo(1);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).contains("readable by group or others");

    err.reset();
    String wrong = "pvespan@pve!controller=ffffffff-1111-2222-3333-444455556666";
    assertThat(runWithStdin(wrong, "--pve-url", standIn.url().toString(), "--pve-token-file", "-"))
        .isEqualTo(1);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).contains("HTTP 401").doesNotContain("ffffffff");
  }

  @Test
  void theTokenFromStandardInputWorks() throws Exception {
    int code = runWithStdin(TOKEN + "\n", "--pve-url=" + standIn.url(), "--pve-token-file=-");

    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    assertThat(out.toString()).contains("\"nodes\"");
  }

  @Test
  void aTokenOnTheCommandLineIsAUsageErrorPointingAtTheFileOption() {
    long before = standIn.totalRequests();
    int code = run("--pve-url", standIn.url().toString(), "--pve-token", TOKEN);

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .startsWith("pvespan inventory: --pve-token is not accepted")
        .contains("--pve-token-file FILE")
        .doesNotContain("0a1b2c3d");
    assertThat(err.toString()).doesNotContain("0a1b2c3d");
    assertThat(standIn.totalRequests()).isEqualTo(before);
  }
}
