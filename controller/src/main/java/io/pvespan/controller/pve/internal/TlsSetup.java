package io.pvespan.controller.pve.internal;

import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link PveTls} choice to an okhttp client builder. */
public final class TlsSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TlsSetup.class);
  private static final AtomicBoolean WARNED_INSECURE = new AtomicBoolean();

  private TlsSetup() {}

  public static void apply(OkHttpClient.Builder builder, PveTls tls) throws PveException {
    CheckingTrustManager tm;
    if (tls instanceof PveTls.Pinned p) {
      tm = CheckingTrustManager.pinned(p.fingerprint());
      // The pin identifies the server; Proxmox node certificates often do not name the address
      // the controller uses (an IP, a VIP), so the host name is not checked in this mode.
      builder.hostnameVerifier((host, session) -> true);
    } else if (tls instanceof PveTls.Insecure) {
      if (WARNED_INSECURE.compareAndSet(false, true)) {
        LOG.warn(
            "pvespan: TLS verification is OFF (--pve-insecure): anyone on the path can read the"
                + " API token; pin the certificate with --pve-fingerprint instead");
      }
      tm = CheckingTrustManager.trustAll();
      builder.hostnameVerifier((host, session) -> true);
    } else if (tls instanceof PveTls.CaFile c) {
      tm = CheckingTrustManager.delegating(trustManager(caStore(c)));
    } else {
      tm = CheckingTrustManager.delegating(trustManager(null));
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      builder.sslSocketFactory(ctx.getSocketFactory(), tm);
    } catch (GeneralSecurityException e) {
      throw new PveException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore caStore(PveTls.CaFile c) throws PveException {
    try (InputStream in = Files.newInputStream(c.file())) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, cert);
      }
      if (i == 0) {
        throw new PveException(c.file() + ": no PEM certificate in the CA file");
      }
      return ks;
    } catch (IOException e) {
      throw new PveException(c.file() + ": cannot read the CA file: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new PveException(c.file() + ": not a PEM certificate file: " + e.getMessage());
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws PveException {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager t : f.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new PveException("no X.509 trust manager in this JDK");
    } catch (GeneralSecurityException e) {
      throw new PveException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }
}
