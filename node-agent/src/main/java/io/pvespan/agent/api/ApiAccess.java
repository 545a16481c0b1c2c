package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who may call {@code /v1/}: under mutual TLS a client certificate with the controller role (the
 * TLS layer already chained it to the CA), and the bearer token when the agent has one. Either or
 * both; never neither.
 */
final class ApiAccess {
  /** Why a request is refused: 401 (no credential) or 403 (a credential without the right). */
  record Refusal(int status, String reason) {}

  private final boolean needControllerCertificate;
  private final Optional<BearerAuth> token;

  ApiAccess(boolean needControllerCertificate, Optional<String> token) {
    if (!needControllerCertificate && token.isEmpty()) {
      throw new IllegalArgumentException("the API needs a token, mutual TLS or both");
    }
    this.needControllerCertificate = needControllerCertificate;
    this.token = token.map(BearerAuth::new);
  }

  boolean usesToken() {
    return token.isPresent();
  }

  /** Null when {@code ex} may use {@code /v1/}; else why not. */
  Refusal check(HttpExchange ex) {
    if (needControllerCertificate) {
      Refusal r = controllerCertificate(ex);
      if (r != null) {
        return r;
      }
    }
    if (token.isPresent()
        && !token.get().allows(ex.getRequestHeaders().getFirst("Authorization"))) {
      return new Refusal(401, "Authorization: Bearer <token> required");
    }
    return null;
  }

  private static Refusal controllerCertificate(HttpExchange ex) {
    Certificate[] peer;
    try {
      peer = ex instanceof HttpsExchange https ? https.getSSLSession().getPeerCertificates() : null;
    } catch (SSLPeerUnverifiedException e) {
      peer = null;
    }
    if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
      return new Refusal(
          401,
          "a client certificate with the controller role (OU="
              + PeerCertificates.CONTROLLER
              + ") is required");
    }
    if (!PeerCertificates.role(leaf).filter(PeerCertificates.CONTROLLER::equals).isPresent()) {
      return new Refusal(
          403,
          "the client certificate ("
              + leaf.getSubjectX500Principal().getName()
              + ") does not have the controller role (OU="
              + PeerCertificates.CONTROLLER
              + ")");
    }
    return null;
  }
}
