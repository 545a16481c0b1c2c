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
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

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
    return context(certificates(certPem), privateKey(keyPem), null, certPem, keyPem);
  }

  /**
   * Mutual TLS: the agent's certificate and key, and the CA(s) in {@code caPem} that client
   * certificates must chain to. The agent's own certificate must be an agent's ({@code
   * OU=pvespan-agent}), name {@code node} ({@code CN=node}) and be signed by a CA in {@code caPem}:
   * otherwise the agent would answer for another node, or the controller would refuse it.
   *
   * @throws IOException one line, for an unreadable file or a certificate that is not this node's
   */
  public static ApiTransport.MutualTls mutual(Path certPem, Path keyPem, Path caPem, String node)
      throws IOException {
    List<? extends Certificate> chain = certificates(certPem);
    List<? extends Certificate> cas = certificates(caPem);
    X509Certificate own = (X509Certificate) chain.get(0);
    String subject = own.getSubjectX500Principal().getName();
    if (!PeerCertificates.role(own).filter(PeerCertificates.AGENT::equals).isPresent()) {
      throw new IOException(
          certPem
              + " ("
              + subject
              + ") is not an agent certificate (OU="
              + PeerCertificates.AGENT
              + "); issue one with ./pvespan certs issue --node "
              + node);
    }
    String named = PeerCertificates.commonName(own).orElse("");
    if (!named.equals(node)) {
      throw new IOException(
          certPem
              + " names node '"
              + named
              + "', but this agent is --node "
              + node
              + ": refusing to answer for another node");
    }
    if (cas.stream().noneMatch(ca -> signs(ca, own))) {
      throw new IOException(certPem + " is not signed by the CA in " + caPem);
    }
    SSLContext context = context(chain, privateKey(keyPem), cas, certPem, keyPem);
    return new ApiTransport.MutualTls(context, named);
  }

  private static boolean signs(Certificate ca, X509Certificate cert) {
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static SSLContext context(
      List<? extends Certificate> chain,
      PrivateKey key,
      List<? extends Certificate> clientCas,
      Path certPem,
      Path keyPem)
      throws IOException {
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("agent", key, password, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      TrustManager[] trust = null;
      if (clientCas != null) {
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        for (int i = 0; i < clientCas.size(); i++) {
          roots.setCertificateEntry("ca" + i, clientCas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(roots);
        trust = tmf.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup from " + certPem + " and " + keyPem + ": " + e.getMessage());
    }
  }

  private static List<? extends Certificate> certificates(Path pem) throws IOException {
    if (!Files.isRegularFile(pem)) {
      throw new IOException(pem + " does not exist or is not a file");
    }
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
    PrivateFiles.refuseLoose(pem, pem.toString());
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
