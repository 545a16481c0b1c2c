package io.pvespan.controller.certs;

import io.pvespan.controller.certs.PemFiles.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import okhttp3.tls.HeldCertificate;

/**
 * A small certificate authority in one directory, for mutual TLS between the controller and the
 * agents: {@code ca.crt}/{@code ca.key}, one {@code NODE.crt}/{@code NODE.key} per agent and {@code
 * controller.crt}/{@code controller.key}. Keys are unencrypted PKCS#8 PEM, mode 0600; nothing
 * existing is overwritten. Roles are marked as {@link CertRole} says.
 *
 * <p>Certificates are made with okhttp-tls {@link HeldCertificate}: a CA with {@code
 * basicConstraints CA:true, pathlen 0}; leaves without basicConstraints (so they cannot sign), with
 * a random 127-bit serial number, and never valid past the CA.
 */
public final class CertificateAuthority {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String CONTROLLER = "controller";

  /** A Proxmox node name (a host name label), as the agent's {@code --node} takes it. */
  private static final Pattern NODE =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The key type of new keys. */
  public enum KeyType {
    EC_P256,
    RSA_3072
  }

  private final Path dir;

  public CertificateAuthority(Path dir) {
    this.dir = dir;
  }

  /**
   * Makes {@code ca.crt}/{@code ca.key} (CN=pvespan CA, OU=pvespan-ca), valid for {@code validity}.
   *
   * @throws IOException one line: a file exists, the directory cannot be written
   */
  public X509Certificate init(KeyType type, Duration validity) throws IOException {
    Files.createDirectories(dir);
    Instant now = Instant.now();
    HeldCertificate ca =
        builder(type, now, now.plus(validity))
            .commonName("pvespan CA")
            .organizationalUnit("pvespan-ca")
            .certificateAuthority(0)
            .build();
    PemFiles.writeNew(
        List.of(
            new Pem(dir.resolve(CA_CERT), ca.certificatePem(), false),
            new Pem(dir.resolve(CA_KEY), ca.privateKeyPkcs8Pem(), true)));
    return ca.certificate();
  }

  /**
   * Issues {@code NODE.crt}/{@code NODE.key}: CN=node, OU=pvespan-agent, subject alternative names
   * the node name, then {@code ips} and {@code dnsNames}.
   *
   * @throws IllegalArgumentException one line: a name or address that is not one
   * @throws IOException one line: no CA here, a file exists
   */
  public X509Certificate issueAgent(
      String node, List<String> ips, List<String> dnsNames, KeyType type, Duration validity)
      throws IOException {
    if (node == null || !NODE.matcher(node).matches()) {
      throw new IllegalArgumentException(
          "--node '" + node + "' is not a node name (letters, digits, -)");
    }
    if (CONTROLLER.equals(node) || "ca".equals(node)) {
      throw new IllegalArgumentException("--node '" + node + "' would clash with " + node + ".crt");
    }
    List<String> names = new ArrayList<>(List.of(node));
    for (String ip : ips) {
      if (!IpLiterals.isIp(ip)) {
        throw new IllegalArgumentException("--ip '" + ip + "' is not an IPv4 or IPv6 address");
      }
      names.add(ip);
    }
    for (String dns : dnsNames) {
      if (!dns.matches("[A-Za-z0-9*]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?") || IpLiterals.isIp(dns)) {
        throw new IllegalArgumentException("--dns '" + dns + "' is not a DNS name");
      }
      names.add(dns);
    }
    return issue(node, CertRole.AGENT, names, type, validity);
  }

  /** Issues {@code controller.crt}/{@code controller.key}: CN=pvespan-controller, its role OU. */
  public X509Certificate issueController(KeyType type, Duration validity) throws IOException {
    return issue(CONTROLLER, CertRole.CONTROLLER, List.of(), type, validity);
  }

  private X509Certificate issue(
      String name, CertRole role, List<String> altNames, KeyType type, Duration validity)
      throws IOException {
    HeldCertificate ca = loadCa();
    Instant now = Instant.now();
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    Instant end = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
    HeldCertificate.Builder b =
        builder(type, now, end)
            .commonName(role == CertRole.CONTROLLER ? "pvespan-controller" : name)
            .organizationalUnit(role.unit())
            .signedBy(ca);
    altNames.forEach(b::addSubjectAlternativeName);
    HeldCertificate leaf = b.build();
    PemFiles.writeNew(
        List.of(
            new Pem(dir.resolve(name + ".crt"), leaf.certificatePem(), false),
            new Pem(dir.resolve(name + ".key"), leaf.privateKeyPkcs8Pem(), true)));
    return leaf.certificate();
  }

  private HeldCertificate loadCa() throws IOException {
    Map<String, String> pem = PemFiles.read(dir, CA_CERT, CA_KEY);
    try {
      return HeldCertificate.decode(pem.get(CA_CERT) + pem.get(CA_KEY));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          dir
              + ": "
              + CA_CERT
              + " and "
              + CA_KEY
              + " are not a PEM certificate and its PKCS#8 key: "
              + e.getMessage());
    }
  }

  private static HeldCertificate.Builder builder(KeyType type, Instant from, Instant until) {
    return new HeldCertificate.Builder()
        .keyPair(keyPair(type))
        .serialNumber(new BigInteger(127, RANDOM))
        // Back-dated a little: a node whose clock runs behind still accepts a fresh certificate.
        .validityInterval(from.minus(Duration.ofHours(1)).toEpochMilli(), until.toEpochMilli());
  }

  private static KeyPair keyPair(KeyType type) {
    try {
      if (type == KeyType.RSA_3072) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072, RANDOM);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + type + " keys", e);
    }
  }
}
