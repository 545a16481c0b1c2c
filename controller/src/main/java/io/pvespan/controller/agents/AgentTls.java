package io.pvespan.controller.agents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How the controller trusts agents' certificates: a CA file, a pinned SHA-256 certificate
 * fingerprint ({@code AA:BB:...}, as Proxmox's own tools pin node certificates), not at all ({@code
 * insecure}), or the JVM's default trust store when none is given.
 */
public record AgentTls(Path caFile, String fingerprint, boolean insecure) {
  /** The trust manager to use, or null for the JVM default. */
  public X509TrustManager trustManager() throws GeneralSecurityException, IOException {
    if (insecure) {
      return new Pinned(null);
    }
    if (fingerprint != null) {
      return new Pinned(fingerprint.replace(":", "").toLowerCase(Locale.ROOT));
    }
    if (caFile != null) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca" + i++, c);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
    }
    return null;
  }

  /**
   * Host names are not checked when a fingerprint is pinned (agents are addressed by IP, and the
   * pin already identifies the exact certificate) or when insecure; otherwise the default applies.
   */
  public HostnameVerifier hostnameVerifier() {
    return insecure || fingerprint != null ? (host, session) -> true : null;
  }

  SSLContext sslContext(X509TrustManager tm) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }

  /** Accepts a chain whose leaf has the pinned SHA-256 fingerprint, or anything when pin null. */
  private record Pinned(String sha256Hex) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the controller does not accept client connections");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (sha256Hex == null) {
        return;
      }
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no certificate");
      }
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
        if (!HexFormat.of().formatHex(d).equals(sha256Hex)) {
          throw new CertificateException(
              "certificate fingerprint does not match agents.fingerprint");
        }
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new CertificateException(e);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
