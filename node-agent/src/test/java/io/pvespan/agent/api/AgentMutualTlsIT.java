package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent under mutual TLS ({@code --tls-ca}): plans only from a client certificate from the CA
 * with the controller role; an agent's certificate, another CA's or none is refused before the plan
 * is read, and the kernel (a fake converger here) is never called. Certificates carry the marks
 * {@code ./pvespan certs} writes (CN=node, OU=pvespan-agent; OU=pvespan-controller).
 */
class AgentMutualTlsIT {
  @TempDir Path tmp;
  private HeldCertificate ca;
  private HeldCertificate pve1;
  private HeldCertificate pve2;
  private HeldCertificate controller;

  @BeforeEach
  void certificates() throws IOException {
    ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("pvespan CA").build();
    pve1 = agent("pve1", ca);
    pve2 = agent("pve2", ca);
    controller =
        new HeldCertificate.Builder()
            .commonName("pvespan-controller")
            .organizationalUnit(PeerCertificates.CONTROLLER)
            .signedBy(ca)
            .build();
    Files.writeString(tmp.resolve("ca.crt"), ca.certificatePem());
    write("pve1", pve1);
  }

  private static HeldCertificate agent(String node, HeldCertificate signer) {
    return new HeldCertificate.Builder()
        .commonName(node)
        .organizationalUnit(PeerCertificates.AGENT)
        .addSubjectAlternativeName(node)
        .addSubjectAlternativeName("127.0.0.1")
        .signedBy(signer)
        .build();
  }

  private void write(String name, HeldCertificate c) throws IOException {
    Files.writeString(tmp.resolve(name + ".crt"), c.certificatePem());
    Files.writeString(tmp.resolve(name + ".key"), c.privateKeyPkcs8Pem());
    Files.setPosixFilePermissions(
        tmp.resolve(name + ".key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private List<String> mtls(String name, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--tls-cert",
                tmp.resolve(name + ".crt").toString(),
                "--tls-key",
                tmp.resolve(name + ".key").toString(),
                "--tls-ca",
                tmp.resolve("ca.crt").toString()));
    args.addAll(List.of(more));
    return args;
  }

  /** A client trusting the CA and presenting {@code identity} (none when null). */
  private HttpClient client(HeldCertificate identity) {
    HandshakeCertificates.Builder b =
        new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate());
    if (identity != null) {
      b.heldCertificate(identity);
    }
    return HttpClient.newBuilder().sslContext(b.build().sslContext()).build();
  }

  /** A client that presents {@code identity} whatever CAs the server asks for. */
  private HttpClient insisting(HeldCertificate identity) throws Exception {
    X509Certificate[] chain = {identity.certificate()};
    PrivateKey key = identity.keyPair().getPrivate();
    X509ExtendedKeyManager km =
        new X509ExtendedKeyManager() {
          @Override
          public String chooseClientAlias(String[] types, Principal[] issuers, Socket s) {
            return "me";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] types, Principal[] issuers, SSLEngine engine) {
            return "me";
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return chain;
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return key;
          }

          @Override
          public String[] getClientAliases(String type, Principal[] issuers) {
            return new String[] {"me"};
          }

          @Override
          public String[] getServerAliases(String type, Principal[] issuers) {
            return null;
          }

          @Override
          public String chooseServerAlias(String type, Principal[] issuers, Socket s) {
            return null;
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        new KeyManager[] {km},
        new TrustManager[] {
          new HandshakeCertificates.Builder()
              .addTrustedCertificate(ca.certificate())
              .build()
              .trustManager()
        },
        null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  private static HttpResponse<String> put(HttpClient c, int port, String body, String token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/plan"))
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient c, int port, String path) throws Exception {
    return c.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPlanFromTheControllersCertificateIsAccepted() throws Exception {
    try (AgentHarness agent =
        AgentHarness.start(tmp.resolve("state"), tmp, mtls("pve1"), client(controller))) {
      HttpClient c = client(controller);
      assertThat(put(c, agent.port(), Plans.json(Plans.simple(1)), null).statusCode())
          .isEqualTo(202);
      AgentHarness.await("converge", () -> agent.converger.calls() >= 1);
      assertThat(get(c, agent.port(), "/v1/status").statusCode()).isEqualTo(200);
      // A plan for another node is refused even from the controller: this agent is pve1.
      var other = Plans.json(Plans.simple(2)).replace("\"node\":\"pve1\"", "\"node\":\"pve2\"");
      assertThat(put(c, agent.port(), other, null).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void anAgentsCertificateNoCertificateOrAnotherCasAreRefused() throws Exception {
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).build();
    HeldCertificate foreignController =
        new HeldCertificate.Builder()
            .commonName("pvespan-controller")
            .organizationalUnit(PeerCertificates.CONTROLLER)
            .signedBy(otherCa)
            .build();
    try (AgentHarness agent =
        AgentHarness.start(tmp.resolve("state"), tmp, mtls("pve1"), client(controller))) {
      String plan = Plans.json(Plans.simple(1));
      // pve2's agent certificate (from the right CA) has no controller role.
      HttpResponse<String> asPve2 = put(client(pve2), agent.port(), plan, AgentHarness.TOKEN);
      assertThat(asPve2.statusCode()).isEqualTo(403);
      assertThat(asPve2.body()).contains("does not have the controller role");
      // pve1's own certificate neither.
      assertThat(put(client(pve1), agent.port(), plan, null).statusCode()).isEqualTo(403);
      // No client certificate: 401, though health checks stay open.
      HttpClient anonymous = client(null);
      HttpResponse<String> none = put(anonymous, agent.port(), plan, AgentHarness.TOKEN);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body()).contains("client certificate with the controller role");
      assertThat(get(anonymous, agent.port(), "/v1/status").statusCode()).isEqualTo(401);
      assertThat(get(anonymous, agent.port(), "/healthz").body()).isEqualTo("ok\n");
      // A controller certificate from another CA: a client offers nothing the agent's CA did
      // not sign (401), and one that insists fails the handshake.
      assertThat(put(client(foreignController), agent.port(), plan, null).statusCode())
          .isEqualTo(401);
      assertThatThrownBy(() -> put(insisting(foreignController), agent.port(), plan, null))
          .isInstanceOf(IOException.class);
      assertThat(agent.converger.calls()).as("the kernel was never touched").isZero();
      assertThat(agent.runtime.reconciler().plan()).isEmpty();
    }
  }

  @Test
  void withATokenBothAreNeeded() throws Exception {
    List<String> args = mtls("pve1", "--token-file", AgentHarness.tokenFile(tmp).toString());
    try (AgentHarness agent =
        AgentHarness.start(tmp.resolve("state"), tmp, args, client(controller))) {
      String plan = Plans.json(Plans.simple(1));
      assertThat(put(client(controller), agent.port(), plan, null).statusCode()).isEqualTo(401);
      assertThat(put(client(pve2), agent.port(), plan, AgentHarness.TOKEN).statusCode())
          .isEqualTo(403);
      assertThat(put(client(controller), agent.port(), plan, AgentHarness.TOKEN).statusCode())
          .isEqualTo(202);
    }
  }

  @Test
  void theAgentRefusesToStartWithAnotherNodesOrANonAgentCertificate() throws Exception {
    write("pve2", pve2);
    write("controller", controller);
    // --node pve1 (the harness's) with pve2's certificate.
    assertThatThrownBy(
            () -> AgentHarness.start(tmp.resolve("state"), tmp, mtls("pve2"), client(controller)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("names node 'pve2', but this agent is --node pve1");
    assertThatThrownBy(
            () ->
                AgentHarness.start(
                    tmp.resolve("state"), tmp, mtls("controller"), client(controller)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not an agent certificate (OU=pvespan-agent)");
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).build();
    write("pve1", agent("pve1", otherCa));
    assertThatThrownBy(
            () -> AgentHarness.start(tmp.resolve("state"), tmp, mtls("pve1"), client(controller)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not signed by the CA in");
  }
}
