package io.pvespan.agent.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Server TLS from PEM files with JDK APIs only: the certificate chain ({@code CERTIFICATE} blocks,
 * leaf first) and an unencrypted PKCS#8 key ({@code PRIVATE KEY}; RSA, EC or Ed25519) go into an
 * in-memory PKCS12 key store. Problems are one-line {@link IOException}s.
 */
public final class PemTls {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519");

  private PemTls() {}

  public static SSLContext serverContext(Path certPem, Path keyPem) throws IOException {
    List<? extends Certificate> chain = certificates(certPem);
    PrivateKey key = privateKey(keyPem);
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("agent", key, password, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup from " + certPem + " and " + keyPem + ": " + e.getMessage());
    }
  }

  private static List<? extends Certificate> certificates(Path pem) throws IOException {
    try {
      // The X.509 factory reads PEM (Base64 between BEGIN/END lines) as well as DER.
      var certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)));
      if (certs.isEmpty()) {
        throw new IOException(pem + ": no certificate found");
      }
      return List.copyOf(certs);
    } catch (GeneralSecurityException e) {
      throw new IOException(pem + ": not a PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    Matcher m = KEY.matcher(text);
    if (!m.find()) {
      throw new IOException(
          pem
              + ": no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert with"
              + " 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IOException(pem + ": the key is not RSA, EC or Ed25519 PKCS#8");
  }
}
