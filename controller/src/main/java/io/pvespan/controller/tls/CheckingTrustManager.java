package io.pvespan.controller.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the server certificate either against a pinned SHA-256 fingerprint of the leaf (how
 * Proxmox's own clients pin a node, e.g. pve-manager's {@code PVE::APIClient::LWP} fingerprint
 * cache) or through a delegate trust manager; a refusal names the server's actual fingerprint so
 * the user can compare it with {@code pvenode cert info}.
 */
final class CheckingTrustManager implements X509TrustManager {
  private final String pinned;
  private final X509TrustManager delegate;
  private final String howToTrust;

  private CheckingTrustManager(String pinned, X509TrustManager delegate, String howToTrust) {
    this.pinned = pinned;
    this.delegate = delegate;
    this.howToTrust = howToTrust;
  }

  static CheckingTrustManager pinned(String fingerprint) {
    return new CheckingTrustManager(fingerprint, null, null);
  }

  static CheckingTrustManager delegating(X509TrustManager delegate, String howToTrust) {
    return new CheckingTrustManager(null, delegate, howToTrust);
  }

  static CheckingTrustManager trustAll() {
    return new CheckingTrustManager(null, null, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new UntrustedCertificateException("the server sent no certificate", null);
    }
    String actual = Fingerprint.of(chain[0]);
    if (pinned != null) {
      if (!pinned.equals(actual)) {
        throw new UntrustedCertificateException(
            "TLS certificate fingerprint mismatch: expected " + pinned + ", server has " + actual,
            null);
      }
    } else if (delegate != null) {
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw new UntrustedCertificateException(
            "the server's TLS certificate is not trusted ("
                + rootMessage(e)
                + "); its SHA-256 fingerprint is "
                + actual
                + (howToTrust == null || howToTrust.isEmpty() ? "" : ": " + howToTrust),
            e);
      }
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("no client certificates here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
  }
}
