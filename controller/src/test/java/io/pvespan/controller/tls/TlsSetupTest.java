package io.pvespan.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.agents.AgentTls;
import io.pvespan.controller.pve.PveTls;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared setup without a server: what each choice configures, and CA file failures. */
class TlsSetupTest {
  @TempDir Path dir;

  private static OkHttpClient apply(ServerTrust trust) {
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    TlsSetup.apply(b, trust, "pin it");
    return b.build();
  }

  @Test
  void aPinOrInsecureSkipsTheHostNameCheckACaFileAndTheSystemKeepIt() throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, new HeldCertificate.Builder().build().certificatePem());
    var defaultVerifier = new OkHttpClient().hostnameVerifier();
    String pin = "AA:".repeat(31) + "AA";
    assertThat(apply(new ServerTrust.Pinned(pin)).hostnameVerifier()).isNotSameAs(defaultVerifier);
    assertThat(apply(new ServerTrust.Insecure()).hostnameVerifier()).isNotSameAs(defaultVerifier);
    assertThat(apply(new ServerTrust.CaFile(ca)).hostnameVerifier()).isSameAs(defaultVerifier);
    assertThat(apply(new ServerTrust.SystemTrust()).hostnameVerifier()).isSameAs(defaultVerifier);
    assertThat(apply(new ServerTrust.CaFile(ca)).x509TrustManager())
        .isInstanceOf(CheckingTrustManager.class);
  }

  @Test
  void aCaFileThatCannotBeUsedIsOneLine() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> apply(new ServerTrust.CaFile(missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(missing + ": cannot read the CA file");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> apply(new ServerTrust.CaFile(empty)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(empty + ": no PEM certificate in the CA file");
  }

  @Test
  void bothClientsOptionsMapToTheSameChoices() {
    String pin = "ab".repeat(32);
    String canonical = "AB:".repeat(31) + "AB";
    Path ca = dir.resolve("ca.pem");
    assertThat(new PveTls.Pinned(pin).trust()).isEqualTo(new ServerTrust.Pinned(canonical));
    assertThat(new AgentTls(null, pin, false).trust()).isEqualTo(new ServerTrust.Pinned(canonical));
    assertThat(new PveTls.CaFile(ca).trust()).isEqualTo(new ServerTrust.CaFile(ca));
    assertThat(new AgentTls(ca, null, false).trust()).isEqualTo(new ServerTrust.CaFile(ca));
    assertThat(new PveTls.Insecure().trust()).isEqualTo(new ServerTrust.Insecure());
    assertThat(new AgentTls(ca, pin, true).trust()).isEqualTo(new ServerTrust.Insecure());
    assertThat(new PveTls.SystemTrust().trust()).isEqualTo(new ServerTrust.SystemTrust());
    assertThat(new AgentTls(null, null, false).trust()).isEqualTo(new ServerTrust.SystemTrust());
  }
}
