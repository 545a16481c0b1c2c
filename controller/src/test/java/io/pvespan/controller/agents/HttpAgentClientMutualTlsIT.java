package io.pvespan.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.pvespan.controller.certs.CertificateAuthority;
import io.pvespan.controller.certs.CertificateAuthority.KeyType;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's side of mutual TLS against a stand-in agent that requires a client certificate
 * from the CA: the controller presents its certificate, and refuses an agent whose certificate is
 * another node's, not an agent's, or from another CA, before sending anything.
 */
class HttpAgentClientMutualTlsIT {
  private static final Duration YEAR = Duration.ofDays(365);

  @TempDir Path dir;
  private Path pki;
  private HttpsServer server;
  private URI url;

  /** The client certificate subject of each request the stand-in agent received. */
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void pki() throws Exception {
    pki = dir.resolve("pki");
    CertificateAuthority ca = new CertificateAuthority(pki);
    ca.init(KeyType.EC_P256, YEAR);
    ca.issueAgent("pve1", List.of("127.0.0.1"), List.of(), KeyType.EC_P256, YEAR);
    ca.issueController(KeyType.EC_P256, YEAR);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * Serves as the agent with {@code name}'s certificate from {@code dir}, trusting {@code dir}'s
   * CA.
   */
  private void serveAs(Path certDir, String name) throws Exception {
    HeldCertificate held =
        HeldCertificate.decode(
            Files.readString(certDir.resolve(name + ".crt"))
                + Files.readString(certDir.resolve(name + ".key")));
    HeldCertificate ca =
        HeldCertificate.decode(
            Files.readString(pki.resolve("ca.crt")) + Files.readString(pki.resolve("ca.key")));
    var certs =
        new HandshakeCertificates.Builder()
            .heldCertificate(held)
            .addTrustedCertificate(ca.certificate())
            .build();
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.setHttpsConfigurator(
        new HttpsConfigurator(certs.sslContext()) {
          @Override
          public void configure(HttpsParameters params) {
            var p = getSSLContext().getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            var peer = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
            received.add(((X509Certificate) peer[0]).getSubjectX500Principal().getName());
            byte[] b =
                PlanJson.write(
                        new NodeMirrorStatus(
                            null, null, "pve1", 3, "sha256:x", null, null, null, null, null))
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestMethod().equals("PUT") ? 202 : 200, b.length);
            ex.getResponseBody().write(b);
          }
        });
    server.start();
    url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private HttpAgentClient controller() {
    return new HttpAgentClient(
        null,
        AgentTls.mutual(
            pki.resolve("ca.crt"), pki.resolve("controller.crt"), pki.resolve("controller.key")),
        Duration.ofSeconds(10));
  }

  @Test
  void theNodesOwnAgentIsCalledWithTheControllersCertificate() throws Exception {
    serveAs(pki, "pve1");
    assertThat(controller().status(url, "pve1").appliedGeneration()).isEqualTo(3);
    assertThat(controller().push(url, NodeMirrorPlan.empty("pve1", 4)))
        .isEqualTo(new PushOutcome.Applied());
    assertThat(received)
        .hasSize(2)
        .allSatisfy(s -> assertThat(s).contains("OU=pvespan-controller"));
  }

  @Test
  void pve1sCertificateAnsweringForPve2IsRefusedBeforeThePlanIsSent() throws Exception {
    serveAs(pki, "pve1");
    assertThat(controller().push(url, NodeMirrorPlan.empty("pve2", 4)))
        .isInstanceOfSatisfying(
            PushOutcome.Failed.class,
            f ->
                assertThat(f.reason())
                    .contains("SSLPeerUnverifiedException")
                    .contains("its certificate names node 'pve1', not 'pve2'"));
    assertThatThrownBy(() -> controller().status(url, "pve2"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("its certificate names node 'pve1', not 'pve2'");
    assertThat(received).as("nothing reached the impostor").isEmpty();
  }

  @Test
  void aCertificateWithoutTheAgentRoleIsRefused() throws Exception {
    // The controller's own certificate (and key) cannot pose as an agent.
    serveAs(pki, "controller");
    assertThatThrownBy(() -> controller().status(url, "pvespan-controller"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("is not an agent's (OU=pvespan-agent)");
    assertThat(received).isEmpty();
  }

  @Test
  void anAgentCertificateFromAnotherCaIsRefused() throws Exception {
    Path other = dir.resolve("other");
    CertificateAuthority otherCa = new CertificateAuthority(other);
    otherCa.init(KeyType.EC_P256, YEAR);
    otherCa.issueAgent("pve1", List.of(), List.of(), KeyType.EC_P256, YEAR);
    serveAs(other, "pve1");
    assertThatThrownBy(() -> controller().status(url, "pve1"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("is not trusted");
    assertThat(received).isEmpty();
  }
}
