package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.standin.StandInFixture;
import io.pvespan.inventory.InventoryJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's entry: {@code ./pvespan pve-standin ...} serves, prints its URL, obeys the admin API.
 */
class PveStandInCommandTest {
  static final String TOKEN = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";

  @TempDir Path dir;

  @Test
  void servesOverTlsPrintsUrlAndFingerprintAndTakesAdminCalls() throws Exception {
    Path inv = dir.resolve("cluster.json");
    Files.writeString(inv, InventoryJson.write(StandInFixture.cluster()));
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Path fp = dir.resolve("fingerprint");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger code = new AtomicInteger(-1);
    Thread server =
        new Thread(
            () ->
                code.set(
                    Main.run(
                        List.of(
                            "pve-standin",
                            "--inventory",
                            inv.toString(),
                            "--listen",
                            "127.0.0.1:0",
                            "--token-file",
                            token.toString(),
                            "--tls",
                            "--fingerprint-file",
                            fp.toString(),
                            "--auth-delay-ms",
                            "0"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))));
    server.start();
    try {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!out.toString().contains("fingerprint") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<String> lines = out.toString().lines().toList();
      assertThat(lines.get(0)).startsWith("https://127.0.0.1:");
      assertThat(lines.get(1)).isEqualTo("fingerprint " + Files.readString(fp).strip());
      assertThat(err.toString()).contains("STAND-IN");
      String url = lines.get(0);

      ByteArrayOutputStream invOut = new ByteArrayOutputStream();
      ByteArrayOutputStream invErr = new ByteArrayOutputStream();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "inventory",
                  "--pve-url",
                  url,
                  "--pve-token-file",
                  token.toString(),
                  "--pve-fingerprint",
                  Files.readString(fp).strip()));
      assertThat(
              Main.run(
                  args,
                  new PrintStream(invOut, true, StandardCharsets.UTF_8),
                  new PrintStream(invErr, true, StandardCharsets.UTF_8)))
          .as(invErr.toString())
          .isZero();
      assertThat(invOut.toString()).contains("\"vmid\" : 101");
    } finally {
      server.interrupt();
      server.join(10_000);
    }
    assertThat(code.get()).isZero();
  }

  @Test
  void missingOptionsAreUsageErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("pve-standin", "--listen", "127.0.0.1:0"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("pvespan pve-standin: --inventory is required");
  }
}
