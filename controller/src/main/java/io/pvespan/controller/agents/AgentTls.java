package io.pvespan.controller.agents;

import io.pvespan.controller.tls.ServerTrust;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the controller trusts agents' certificates, in the words of the config's {@code agents}
 * section: mutual TLS ({@code agents.tls}: the controller presents its client certificate, and an
 * agent must present a certificate from the CA that names the node being called), a pinned SHA-256
 * certificate fingerprint ({@code AA:BB:...}, as Proxmox's own tools pin node certificates), a CA
 * file, not at all ({@code insecure}), or the JVM's default trust store when none is given. The TLS
 * itself is the one setup every client shares ({@link io.pvespan.controller.tls.TlsSetup}).
 *
 * @param mutual mutual TLS, or null
 * @throws IllegalArgumentException when {@code fingerprint} is not 32 hex bytes
 */
public record AgentTls(Path caFile, String fingerprint, boolean insecure, Mutual mutual) {
  public AgentTls {
    // Fail at startup, not with every push: a malformed pin can never match.
    fingerprint = fingerprint == null ? null : new ServerTrust.Pinned(fingerprint).fingerprint();
  }

  /** Server TLS only (no client certificate). */
  public AgentTls(Path caFile, String fingerprint, boolean insecure) {
    this(caFile, fingerprint, insecure, null);
  }

  /** Mutual TLS only. */
  public static AgentTls mutual(Path ca, Path cert, Path key) {
    return new AgentTls(null, null, false, new Mutual(ca, cert, key));
  }

  /** The CA of the agents' certificates, and the controller's client certificate and key (PEM). */
  public record Mutual(Path ca, Path cert, Path key) {
    public Mutual {
      Objects.requireNonNull(ca, "ca");
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
    }
  }

  /** The same choice for the shared TLS setup; insecure wins, then the pin, then the CA file. */
  public ServerTrust trust() {
    if (insecure) {
      return new ServerTrust.Insecure();
    }
    if (fingerprint != null) {
      return new ServerTrust.Pinned(fingerprint);
    }
    return caFile != null ? new ServerTrust.CaFile(caFile) : new ServerTrust.SystemTrust();
  }
}
