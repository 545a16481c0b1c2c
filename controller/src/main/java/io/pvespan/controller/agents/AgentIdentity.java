package io.pvespan.controller.agents;

import io.pvespan.controller.certs.CertRole;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Handshake;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Under mutual TLS, checks on every request, after the handshake and before a byte of it is sent,
 * that the agent answering is the node's: its certificate carries the agent role ({@code
 * OU=pvespan-agent}) and names the node the request is for ({@code CN=NODE}, the request's {@link
 * Node} tag). So pve1's certificate (and key) cannot answer for pve2, whatever address it is
 * reached at. A refusal is an {@link SSLPeerUnverifiedException}, which okhttp does not retry.
 */
final class AgentIdentity implements Interceptor {
  /** The node a request is meant for (a request tag). */
  record Node(String name) {}

  @Override
  public Response intercept(Chain chain) throws IOException {
    Node node = chain.request().tag(Node.class);
    if (node == null) {
      throw new SSLPeerUnverifiedException("internal: no node named for " + chain.request().url());
    }
    Handshake handshake = chain.connection() == null ? null : chain.connection().handshake();
    if (handshake == null) {
      throw new SSLPeerUnverifiedException(
          chain.request().url() + " is not https: mutual TLS needs https");
    }
    String problem = problem(handshake.peerCertificates(), node.name());
    if (problem != null) {
      throw new SSLPeerUnverifiedException(
          "the agent at " + chain.request().url().host() + " is refused: " + problem);
    }
    return chain.proceed(chain.request());
  }

  /** Null when {@code chain}'s leaf is the agent certificate of {@code node}; else why not. */
  static String problem(List<Certificate> chain, String node) {
    if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return "it sent no certificate";
    }
    String subject = leaf.getSubjectX500Principal().getName();
    if (!CertRole.AGENT.marks(leaf)) {
      return "its certificate ("
          + subject
          + ") is not an agent's (OU="
          + CertRole.AGENT.unit()
          + ")";
    }
    String name = CertRole.commonName(leaf).orElse("");
    if (!name.equals(node)) {
      return "its certificate names node '" + name + "', not '" + node + "' (" + subject + ")";
    }
    return null;
  }
}
