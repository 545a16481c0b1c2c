package io.pvespan.agent.api;

import java.util.Objects;
import javax.net.ssl.SSLContext;

/** How the agent API is served; each variant decides what a caller must show for {@code /v1/}. */
public sealed interface ApiTransport {
  /** Plain HTTP: only with {@code --insecure-lab-http}. Plans and the token travel in clear. */
  record PlainHttp() implements ApiTransport {}

  /** HTTPS with the agent's certificate; callers authenticate with the bearer token. */
  record Https(SSLContext context) implements ApiTransport {
    public Https {
      Objects.requireNonNull(context, "context");
    }
  }

  /**
   * HTTPS that asks every client for a certificate chaining to the CA in {@code context}'s trust
   * managers; {@code /v1/} needs one with the controller role ({@link PeerCertificates}). {@code
   * node} is the node named in the agent's own certificate.
   */
  record MutualTls(SSLContext context, String node) implements ApiTransport {
    public MutualTls {
      Objects.requireNonNull(context, "context");
      Objects.requireNonNull(node, "node");
    }
  }
}
