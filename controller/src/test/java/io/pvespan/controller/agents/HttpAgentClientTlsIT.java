package io.pvespan.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Executors;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent client over real TLS on 127.0.0.1: CA file, pinned fingerprint, insecure. */
class HttpAgentClientTlsIT {
  @TempDir Path dir;
  private HeldCertificate root;
  private HeldCertificate leaf;
  private HttpsServer server;
  private URI url;

  @BeforeEach
  void start() throws Exception {
    root = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
    leaf =
        new HeldCertificate.Builder()
            .commonName("agent")
            .addSubjectAlternativeName("127.0.0.1")
            .signedBy(root)
            .build();
    var certs =
        new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build();
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.setHttpsConfigurator(new HttpsConfigurator(certs.sslContext()));
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            boolean auth = "Bearer tok".equals(ex.getRequestHeaders().getFirst("Authorization"));
            String body =
                auth
                    ? PlanJson.write(
                        new NodeMirrorStatus(
                            null, null, "pve1", 3, "sha256:x", null, null, null, null, null))
                    : "{\"error\":\"unauthorized\"}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            int code = !auth ? 401 : ex.getRequestMethod().equals("PUT") ? 409 : 200;
            if (code == 409) {
              b =
                  "{\"error\":\"stale generation 1\",\"appliedGeneration\":3}"
                      .getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
          }
        });
    server.start();
    url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String fingerprint(HeldCertificate c) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(c.certificate().getEncoded());
    String hex = HexFormat.ofDelimiter(":").formatHex(d);
    return hex.toUpperCase(Locale.ROOT);
  }

  private HttpAgentClient client(String token, AgentTls tls) {
    return new HttpAgentClient(token, tls, Duration.ofSeconds(10));
  }

  @Test
  void aPinnedFingerprintIsTrustedAndAnyOtherRefused() throws Exception {
    assertThat(
            client("tok", new AgentTls(null, fingerprint(leaf), false))
                .status(url, "pve1")
                .appliedGeneration())
        .isEqualTo(3);
    assertThatThrownBy(
            () -> client("tok", new AgentTls(null, fingerprint(root), false)).status(url, "pve1"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("GET /v1/status: SSLHandshakeException")
        .hasMessageContaining(
            "fingerprint mismatch: expected "
                + fingerprint(root)
                + ", server has "
                + fingerprint(leaf));
    assertThatThrownBy(() -> new AgentTls(null, "AA:BB", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a SHA-256 fingerprint");
  }

  @Test
  void aCaFileIsTrustedAndTheDefaultTrustStoreIsNot() throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, root.certificatePem());
    assertThat(client("tok", new AgentTls(ca, null, false)).status(url, "pve1").node())
        .isEqualTo("pve1");
    assertThatThrownBy(() -> client("tok", new AgentTls(null, null, false)).status(url, "pve1"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("is not trusted")
        .hasMessageContaining("its SHA-256 fingerprint is " + fingerprint(leaf))
        .hasMessageContaining("agents.fingerprint");
  }

  @Test
  void insecureTrustsAnythingAndAnswersAreTyped() throws Exception {
    var c = client("tok", new AgentTls(null, null, true));
    var plan = NodeMirrorPlan.empty("pve1", 1);
    assertThat(c.push(url, plan))
        .isEqualTo(new PushOutcome.Stale(3L, "HTTP 409: stale generation 1"));
    assertThat(client("wrong", new AgentTls(null, null, true)).push(url, plan))
        .isEqualTo(new PushOutcome.Failed(401, "HTTP 401: unauthorized"));
    assertThatThrownBy(() -> client("wrong", new AgentTls(null, null, true)).status(url, "pve1"))
        .hasMessage("GET /v1/status: HTTP 401: unauthorized");
    assertThat(c.push(URI.create("https://127.0.0.1:1/"), plan))
        .isInstanceOfSatisfying(PushOutcome.Failed.class, f -> assertThat(f.httpStatus()).isZero());
  }
}
