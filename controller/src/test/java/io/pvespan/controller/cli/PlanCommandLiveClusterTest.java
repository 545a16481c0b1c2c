package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.InventoryJson;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --pve-url ...} reads the cluster through the real Proxmox client from a stand-in
 * serving the lab inventory, and plans exactly what {@code plan --inventory} plans for that file.
 */
class PlanCommandLiveClusterTest {
  static final String TOKEN = "pvespan@pve!plan=0a1b2c3d-1111-2222-3333-444455556666";

  @TempDir Path dir;

  private Path tokenFile(String token) throws IOException {
    Path f = dir.resolve("token");
    Files.writeString(f, token + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void liveClusterGivesTheSamePlansAsTheSavedInventory() throws Exception {
    String examples = PlanCommandTest.repoFile("crds-like-specs/examples").toString();
    var fromFile =
        PlanCommandTest.run(
            PlanCommandExamplesTest.SpecLoaderHolder.LOADER,
            "--specs",
            examples,
            "--inventory",
            PlanCommandTest.LAB,
            "--output",
            "json");
    try (ProxmoxStandIn standIn =
        ProxmoxStandIn.builder(
                InventoryJson.read(Path.of(PlanCommandTest.LAB)), StandInToken.parse(TOKEN))
            .start()) {
      var live =
          PlanCommandTest.run(
              PlanCommandExamplesTest.SpecLoaderHolder.LOADER,
              "--specs",
              examples,
              "--pve-url",
              standIn.url().toString(),
              "--pve-token-file",
              tokenFile(TOKEN).toString(),
              "--output",
              "json");

      assertThat(live.code()).as(live.err()).isZero();
      assertThat(live.out()).isEqualTo(fromFile.out());
      assertThat(live.out()).doesNotContain("0a1b2c3d");
    }
  }

  @Test
  void wrongTokenIsOneLineWithoutTheSecretAndExitOne() throws Exception {
    try (ProxmoxStandIn standIn =
        ProxmoxStandIn.builder(
                InventoryJson.read(Path.of(PlanCommandTest.LAB)), StandInToken.parse(TOKEN))
            .authFailureDelay(java.time.Duration.ZERO)
            .start()) {
      var r =
          PlanCommandTest.run(
              PlanCommandExamplesTest.SpecLoaderHolder.LOADER,
              "--specs",
              PlanCommandTest.repoFile("crds-like-specs/examples").toString(),
              "--pve-url",
              standIn.url().toString(),
              "--pve-token-file",
              tokenFile("pvespan@pve!plan=ffffffff-1111-2222-3333-444455556666").toString(),
              "--output",
              "json");

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().lines()).hasSize(1);
      assertThat(r.err()).startsWith("pvespan plan: ").doesNotContain("ffffffff");
    }
  }

  @Test
  void inventoryAndPveUrlTogetherIsAUsageError() {
    var r =
        PlanCommandTest.run(
            "--specs",
            "specs",
            "--inventory",
            PlanCommandTest.LAB,
            "--pve-url",
            "https://pve1",
            "--pve-token-file",
            "-",
            "--pve-insecure");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("exclude each other");
  }
}
