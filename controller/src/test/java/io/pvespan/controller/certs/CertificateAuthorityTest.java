package io.pvespan.controller.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.certs.CertificateAuthority.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Duration TEN_YEARS = Duration.ofDays(3650);

  @TempDir Path dir;

  private static X509Certificate read(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void initMakesACaForTenYearsWithAnOwnerOnlyKey() throws Exception {
    X509Certificate ca = new CertificateAuthority(dir).init(KeyType.EC_P256, TEN_YEARS);
    assertThat(read(dir.resolve("ca.crt"))).isEqualTo(ca);
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getNotAfter().toInstant())
        .isAfter(Instant.now().plus(Duration.ofDays(3649)))
        .isBefore(Instant.now().plus(Duration.ofDays(3651)));
    assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(mode(dir.resolve("ca.crt"))).isEqualTo("rw-r--r--");
  }

  @Test
  void nothingIsOverwritten() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir);
    authority.init(KeyType.EC_P256, TEN_YEARS);
    String key = Files.readString(dir.resolve("ca.key"));
    assertThatThrownBy(() -> authority.init(KeyType.EC_P256, TEN_YEARS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ca.crt exists; not overwriting it");
    assertThat(Files.readString(dir.resolve("ca.key"))).isEqualTo(key);

    authority.issueAgent("pve1", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS);
    String agentKey = Files.readString(dir.resolve("pve1.key"));
    assertThatThrownBy(
            () -> authority.issueAgent("pve1", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS))
        .hasMessageContaining("pve1.crt exists");
    assertThat(Files.readString(dir.resolve("pve1.key"))).isEqualTo(agentKey);
  }

  @Test
  void anAgentCertificateNamesItsNodeAndRoleAndChainsToTheCa() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir);
    X509Certificate ca = authority.init(KeyType.EC_P256, TEN_YEARS);
    X509Certificate pve1 =
        authority.issueAgent(
            "pve1",
            List.of("198.18.0.1", "fd00::1"),
            List.of("pve1.example.org"),
            KeyType.EC_P256,
            TEN_YEARS);
    pve1.verify(ca.getPublicKey());
    assertThat(CertRole.AGENT.marks(pve1)).isTrue();
    assertThat(CertRole.CONTROLLER.marks(pve1)).isFalse();
    assertThat(CertRole.commonName(pve1)).contains("pve1");
    assertThat(pve1.getBasicConstraints()).as("a leaf cannot sign").isEqualTo(-1);
    assertThat(pve1.getSubjectAlternativeNames())
        .extracting(n -> (Object) n.get(1))
        .containsExactly((Object) "pve1", "198.18.0.1", "fd00:0:0:0:0:0:0:1", "pve1.example.org");
    assertThat(mode(dir.resolve("pve1.key"))).isEqualTo("rw-------");
    // The key on disk is the certificate's (PKCS#8, as the agent's PemTls reads it).
    HeldCertificate.decode(
        Files.readString(dir.resolve("pve1.crt")) + Files.readString(dir.resolve("pve1.key")));
  }

  @Test
  void theControllerCertificateHasTheControllerRoleOnly() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir);
    X509Certificate ca = authority.init(KeyType.RSA_3072, TEN_YEARS);
    X509Certificate controller = authority.issueController(KeyType.RSA_3072, TEN_YEARS);
    controller.verify(ca.getPublicKey());
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(
            ((java.security.interfaces.RSAKey) controller.getPublicKey()).getModulus().bitLength())
        .isEqualTo(3072);
    assertThat(CertRole.CONTROLLER.marks(controller)).isTrue();
    assertThat(CertRole.AGENT.marks(controller)).isFalse();
    assertThat(mode(dir.resolve("controller.key"))).isEqualTo("rw-------");
  }

  @Test
  void aLeafNeverOutlivesItsCa() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir);
    X509Certificate ca = authority.init(KeyType.EC_P256, Duration.ofDays(30));
    X509Certificate leaf =
        authority.issueAgent("pve1", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS);
    assertThat(leaf.getNotAfter()).isEqualTo(ca.getNotAfter());
  }

  @Test
  void badNamesAndAMissingCaAreOneLineErrors() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir);
    assertThatThrownBy(
            () -> authority.issueAgent("pve1", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ca.crt does not exist (run ./pvespan certs init --dir");
    authority.init(KeyType.EC_P256, TEN_YEARS);
    assertThatThrownBy(
            () -> authority.issueAgent("pve_1", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS))
        .hasMessage("--node 'pve_1' is not a node name (letters, digits, -)");
    assertThatThrownBy(
            () ->
                authority.issueAgent(
                    "controller", List.of(), List.of(), KeyType.EC_P256, TEN_YEARS))
        .hasMessageContaining("would clash");
    assertThatThrownBy(
            () ->
                authority.issueAgent(
                    "pve1", List.of("pve1.lan"), List.of(), KeyType.EC_P256, TEN_YEARS))
        .hasMessage("--ip 'pve1.lan' is not an IPv4 or IPv6 address");
    assertThatThrownBy(
            () ->
                authority.issueAgent("pve1", List.of(), List.of("a b"), KeyType.EC_P256, TEN_YEARS))
        .hasMessage("--dns 'a b' is not a DNS name");
    assertThat(Files.exists(dir.resolve("pve1.key"))).isFalse();
  }
}
