package io.pvespan.controller.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.tls.Fingerprint;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInFixture;
import io.pvespan.lab.standin.StandInToken;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate, as a Proxmox node has one. */
class PveClientTlsTest {
  static final String TOKEN_TEXT = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final PveToken TOKEN = PveToken.parse(TOKEN_TEXT);
  static final StandInToken STANDIN_TOKEN = StandInToken.parse(TOKEN_TEXT);

  HeldCertificate ca;
  HeldCertificate cert;
  ProxmoxStandIn server;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    ca =
        new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Proxmox Virtual Environment")
            .build();
    cert =
        new HeldCertificate.Builder()
            .signedBy(ca)
            .commonName("pve1")
            .addSubjectAlternativeName("127.0.0.1")
            .build();
    server =
        ProxmoxStandIn.builder(StandInFixture.cluster(), STANDIN_TOKEN)
            .https(
                new HandshakeCertificates.Builder()
                    .heldCertificate(cert, ca.certificate())
                    .build()
                    .sslContext())
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  PveClient client(PveTls tls) throws PveException {
    return new PveClient(PveConnection.of(server.url().toString(), TOKEN, tls), PveClientTest.FAST);
  }

  @Test
  void theRightFingerprintConnects() throws Exception {
    String fp = Fingerprint.of(cert.certificate());
    try (PveClient c = client(new PveTls.Pinned(fp.toLowerCase().replace(":", "")))) {
      assertThat(c.get("version").get("release").asText()).isEqualTo("9.1");
    }
  }

  @Test
  void aWrongFingerprintFailsShowingBoth() throws Exception {
    String actual = Fingerprint.of(cert.certificate());
    String wrong = Fingerprint.of(ca.certificate());
    try (PveClient c = client(new PveTls.Pinned(wrong))) {
      assertThatThrownBy(() -> c.get("version"))
          .isInstanceOf(PveException.class)
          .hasMessage(
              "GET /version: TLS certificate fingerprint mismatch: expected "
                  + wrong
                  + ", server has "
                  + actual);
      assertThat(c.requestCount()).isEqualTo(1); // not retried
    }
  }

  @Test
  void theClusterCaFileConnects() throws Exception {
    Path pem = dir.resolve("pve-root-ca.pem");
    Files.writeString(pem, ca.certificatePem());
    try (PveClient c = client(new PveTls.CaFile(pem))) {
      assertThat(c.get("version").get("release").asText()).isEqualTo("9.1");
    }
  }

  @Test
  void withoutPinOrCaTheErrorShowsTheServersFingerprint() throws Exception {
    try (PveClient c = client(new PveTls.SystemTrust())) {
      assertThatThrownBy(() -> c.get("version"))
          .hasMessageContaining("is not trusted")
          .hasMessageContaining(Fingerprint.of(cert.certificate()))
          .hasMessageContaining("--pve-fingerprint");
    }
  }

  @Test
  void insecureConnects() throws Exception {
    try (PveClient c = client(new PveTls.Insecure())) {
      assertThat(c.get("version").get("release").asText()).isEqualTo("9.1");
    }
  }
}
