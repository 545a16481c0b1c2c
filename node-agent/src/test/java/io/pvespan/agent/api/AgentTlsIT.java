package io.pvespan.agent.api;

import static io.pvespan.agent.fakes.AgentHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from PEM files, with a self-signed certificate the test makes with the JDK's keytool. */
class AgentTlsIT {
  @TempDir Path tmp;
  private Path certPem;
  private Path keyPem;
  private Certificate cert;

  @BeforeEach
  void makeCertificate() throws Exception {
    Path store = tmp.resolve("agent.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "agent",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=pve1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    cert = ks.getCertificate("agent");
    PrivateKey key = (PrivateKey) ks.getKey("agent", "changeit".toCharArray());
    certPem = tmp.resolve("agent.crt");
    keyPem = tmp.resolve("agent.key");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    Files.setPosixFilePermissions(
        keyPem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private static String pem(String type, byte[] der) {
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return "-----BEGIN "
        + type
        + "-----\n"
        + b64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private HttpClient trustingClient() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("agent", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void servesHttpsWithThePemCertificate() throws Exception {
    List<String> tls = List.of("--tls-cert", certPem.toString(), "--tls-key", keyPem.toString());
    try (AgentHarness agent =
        AgentHarness.start(tmp.resolve("state"), tmp, tls, trustingClient())) {
      assertThat(agent.get("/healthz", false).body()).isEqualTo("ok\n");
      assertThat(agent.put(Plans.json(Plans.simple(1))).statusCode()).isEqualTo(202);
      await("converge", () -> agent.converger.calls() >= 1);
      // A client that does not trust the certificate gets no answer at all.
      HttpRequest plain =
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + agent.port() + "/healthz"))
              .build();
      assertThatThrownBy(
              () -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aKeyGroupOrOthersCanReadIsRefusedInOneLine() throws Exception {
    Files.setPosixFilePermissions(
        keyPem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PemTls.serverContext(certPem, keyPem))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("accessible by group or others; chmod 600 it")
        .hasMessageNotContaining("\n");
  }

  @Test
  void pkcs1KeyIsRefusedInOneLine() throws Exception {
    Files.writeString(keyPem, Files.readString(keyPem).replace("PRIVATE KEY", "RSA PRIVATE KEY"));
    assertThatThrownBy(() -> PemTls.serverContext(certPem, keyPem))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PKCS#8")
        .hasMessageNotContaining("\n");
  }
}
