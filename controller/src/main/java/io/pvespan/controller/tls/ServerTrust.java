package io.pvespan.controller.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a client trusts a server's TLS certificate: the one choice both the Proxmox client and the
 * agent client make. Proxmox nodes (and agents set up like them) have certificates signed by a
 * cluster's own CA, so the usual choices are {@link Pinned} or {@link CaFile}.
 */
public sealed interface ServerTrust {
  /** The JDK's default trust store (a certificate from a public CA, e.g. ACME). */
  record SystemTrust() implements ServerTrust {}

  /**
   * Trust exactly the certificate with this SHA-256 fingerprint, whatever its host name (the pin
   * identifies the server; nodes are often addressed by an IP their certificate does not name).
   * Accepts {@code AA:BB:...}, lower case, or 64 hex digits; stored as {@code AA:BB:...}.
   */
  record Pinned(String fingerprint) implements ServerTrust {
    public Pinned {
      fingerprint = Fingerprint.normalize(fingerprint);
    }
  }

  /** Trust certificates signed by the CA(s) in this PEM file, with host name checks. */
  record CaFile(Path file) implements ServerTrust {
    public CaFile {
      Objects.requireNonNull(file, "file");
    }
  }

  /** Trust any certificate, with no host name check. For the lab; callers warn. */
  record Insecure() implements ServerTrust {}
}
