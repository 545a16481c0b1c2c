package io.pvespan.controller.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PveTokenAndConnectionTest {
  static final String SECRET = "0a1b2c3d-1111-2222-3333-444455556666";
  static final String TOKEN = "pvespan@pve!controller=" + SECRET;

  @TempDir Path dir;

  @Test
  void tokenHeaderAndNoSecretInToString() {
    PveToken t = PveToken.parse(TOKEN);
    assertThat(t.authorizationHeader()).isEqualTo("PVEAPIToken=" + TOKEN);
    assertThat(t.id()).isEqualTo("pvespan@pve!controller");
    assertThat(t.toString()).doesNotContain(SECRET);
    PveConnection c = PveConnection.of("https://pve1:8006", t, null);
    assertThat(c.toString()).doesNotContain(SECRET);
  }

  @Test
  void malformedTokensAreRefusedWithoutEchoingThem() {
    for (String bad :
        List.of("root@pam", "root@pam!x", "root!x=abc", "root@pam!x=a b", "root@pam!x=abc\nX: y")) {
      assertThatThrownBy(() -> PveToken.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the API token is not of the form")
          .hasMessageNotContaining("abc");
    }
  }

  @Test
  void tokenFileIsTrimmedAndMustBePrivate() throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, TOKEN + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(PveToken.fromFile(f)).isEqualTo(PveToken.parse(TOKEN));

    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> PveToken.fromFile(f))
        .isInstanceOf(PveException.class)
        .hasMessage(
            f + ": the token file is readable by group or others (rw-r-----); run chmod 600 " + f);
  }

  @Test
  void urlsAreNormalized() {
    PveToken t = PveToken.parse(TOKEN);
    assertThat(PveConnection.of("https://pve1", t, null).apiBase())
        .isEqualTo("https://pve1:8006/api2/json/");
    assertThat(PveConnection.of("https://10.0.0.1:8006/api2/json/", t, null).apiBase())
        .isEqualTo("https://10.0.0.1:8006/api2/json/");
    assertThatThrownBy(() -> PveConnection.of("ftp://pve1", t, null))
        .hasMessageContaining("https://HOST[:PORT]");
    assertThatThrownBy(() -> PveConnection.of("https://pve1:8006/other", t, null))
        .hasMessageContaining("no path");
  }

  @Test
  void fingerprintsInEveryCommonSpelling() {
    String canonical =
        "80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5";
    assertThat(new PveTls.Pinned(canonical.toLowerCase()).fingerprint()).isEqualTo(canonical);
    assertThat(new PveTls.Pinned(canonical.replace(":", "")).fingerprint()).isEqualTo(canonical);
    assertThatThrownBy(() -> new PveTls.Pinned("80:D4"))
        .hasMessageContaining("is not a SHA-256 fingerprint");
  }
}
