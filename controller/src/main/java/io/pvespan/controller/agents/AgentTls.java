package io.pvespan.controller.agents;

import io.pvespan.controller.tls.ServerTrust;
import java.nio.file.Path;

/**
 * How the controller trusts agents' certificates, in the words of the config's {@code agents}
 * section: a pinned SHA-256 certificate fingerprint ({@code AA:BB:...}, as Proxmox's own tools pin
 * node certificates), a CA file, not at all ({@code insecure}), or the JVM's default trust store
 * when none is given. The TLS itself is the one setup every client shares ({@link
 * io.pvespan.controller.tls.TlsSetup}).
 *
 * @throws IllegalArgumentException when {@code fingerprint} is not 32 hex bytes
 */
public record AgentTls(Path caFile, String fingerprint, boolean insecure) {
  public AgentTls {
    // Fail at startup, not with every push: a malformed pin can never match.
    fingerprint = fingerprint == null ? null : new ServerTrust.Pinned(fingerprint).fingerprint();
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
