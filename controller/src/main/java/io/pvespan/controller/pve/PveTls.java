package io.pvespan.controller.pve;

import io.pvespan.controller.tls.Fingerprint;
import io.pvespan.controller.tls.ServerTrust;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the client trusts the Proxmox API's TLS certificate, in the words of its options ({@code
 * --pve-fingerprint}, {@code --pve-ca-file}, {@code --pve-insecure}). Proxmox nodes ship a
 * certificate signed by the cluster's own CA, so the usual choices are {@link Pinned} (the node
 * certificate's SHA-256 fingerprint, as Proxmox's own tools pin it) or {@link CaFile} ({@code
 * /etc/pve/pve-root-ca.pem}). The TLS itself is the one setup every client shares ({@link
 * io.pvespan.controller.tls.TlsSetup}).
 */
public sealed interface PveTls {
  /** The same choice for the shared TLS setup. */
  ServerTrust trust();

  /** The JDK's default trust store (a certificate from a public CA, e.g. ACME). */
  record SystemTrust() implements PveTls {
    @Override
    public ServerTrust trust() {
      return new ServerTrust.SystemTrust();
    }
  }

  /**
   * Trust exactly the certificate with this SHA-256 fingerprint, whatever its host name. Accepts
   * {@code AA:BB:...}, lower case, or 64 hex digits without colons; stored as {@code AA:BB:...}.
   */
  record Pinned(String fingerprint) implements PveTls {
    public Pinned {
      fingerprint = Fingerprint.normalize(fingerprint);
    }

    @Override
    public ServerTrust trust() {
      return new ServerTrust.Pinned(fingerprint);
    }
  }

  /** Trust certificates signed by the CA(s) in this PEM file, with host name checks. */
  record CaFile(Path file) implements PveTls {
    public CaFile {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public ServerTrust trust() {
      return new ServerTrust.CaFile(file);
    }
  }

  /** Trust any certificate. Only when asked for; the client warns once. */
  record Insecure() implements PveTls {
    @Override
    public ServerTrust trust() {
      return new ServerTrust.Insecure();
    }
  }
}
