package io.pvespan.controller.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * The one TLS setup of every client here (the Proxmox client and the agent client): applies a
 * {@link ServerTrust} to an okhttp client builder.
 *
 * <p>Contract: trust roots come from okhttp-tls {@link HandshakeCertificates} (the platform's, or
 * the certificates of a CA file, with okhttp's host name check); a {@link ServerTrust.Pinned pin}
 * trusts exactly one leaf certificate and an {@link ServerTrust.Insecure insecure} client trusts
 * any, both without a host name check. A refused certificate fails the handshake with an {@link
 * UntrustedCertificateException} whose one-line message names the server's SHA-256 fingerprint (and
 * the expected one when pinned), so a user can compare it with {@code pvenode cert info}.
 */
public final class TlsSetup {
  private TlsSetup() {}

  /**
   * @param howToTrust appended to the refusal of an unpinned certificate: what the user can set,
   *     e.g. "pin it with --pve-fingerprint"
   * @throws IllegalArgumentException one line, when a CA file cannot be read or holds no
   *     certificate
   */
  public static void apply(OkHttpClient.Builder builder, ServerTrust trust, String howToTrust) {
    CheckingTrustManager tm;
    if (trust instanceof ServerTrust.Pinned p) {
      tm = CheckingTrustManager.pinned(p.fingerprint());
    } else if (trust instanceof ServerTrust.Insecure) {
      tm = CheckingTrustManager.trustAll();
    } else if (trust instanceof ServerTrust.CaFile c) {
      tm = CheckingTrustManager.delegating(roots(c).trustManager(), howToTrust);
    } else {
      HandshakeCertificates platform =
          new HandshakeCertificates.Builder().addPlatformTrustedCertificates().build();
      tm = CheckingTrustManager.delegating(platform.trustManager(), howToTrust);
    }
    if (trust instanceof ServerTrust.Pinned || trust instanceof ServerTrust.Insecure) {
      builder.hostnameVerifier((host, session) -> true);
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      builder.sslSocketFactory(ctx.getSocketFactory(), tm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Mutual TLS: presents the client certificate in {@code certFile} (with its PKCS#8 key in {@code
   * keyFile}) and trusts only servers whose chain ends at a CA in {@code caFile}. There is no host
   * name check: the caller checks who the server is (e.g. a node name in the certificate) before
   * sending anything, which is stronger than matching the address it was reached at.
   *
   * @throws IllegalArgumentException one line, when a file cannot be read or is not PEM
   */
  public static void applyMutual(
      OkHttpClient.Builder builder, Path caFile, Path certFile, Path keyFile, String howToTrust) {
    HandshakeCertificates.Builder b = trusting(new ServerTrust.CaFile(caFile));
    HeldCertificate held;
    try {
      held =
          HeldCertificate.decode(
              Files.readString(certFile, StandardCharsets.US_ASCII)
                  + "\n"
                  + Files.readString(keyFile, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          certFile + ", " + keyFile + ": cannot read the client certificate: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          certFile
              + ", "
              + keyFile
              + ": not one PEM certificate and its PKCS#8 key (BEGIN PRIVATE KEY): "
              + e.getMessage());
    }
    HandshakeCertificates certs = b.heldCertificate(held).build();
    CheckingTrustManager tm = CheckingTrustManager.delegating(certs.trustManager(), howToTrust);
    builder.hostnameVerifier((host, session) -> true);
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {certs.keyManager()}, new TrustManager[] {tm}, null);
      builder.sslSocketFactory(ctx.getSocketFactory(), tm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static HandshakeCertificates roots(ServerTrust.CaFile c) {
    return trusting(c).build();
  }

  private static HandshakeCertificates.Builder trusting(ServerTrust.CaFile c) {
    HandshakeCertificates.Builder roots = new HandshakeCertificates.Builder();
    int n = 0;
    try (InputStream in = Files.newInputStream(c.file())) {
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        roots.addTrustedCertificate((X509Certificate) cert);
        n++;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(c.file() + ": cannot read the CA file: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          c.file() + ": not a PEM certificate file: " + e.getMessage());
    }
    if (n == 0) {
      throw new IllegalArgumentException(c.file() + ": no PEM certificate in the CA file");
    }
    return roots;
  }
}
