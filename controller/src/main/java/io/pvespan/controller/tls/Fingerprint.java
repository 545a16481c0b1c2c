package io.pvespan.controller.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 certificate fingerprints in the form Proxmox shows them ({@code pvenode cert info},
 * {@code ssl_fingerprint} in {@code GET /nodes}): 32 upper-case hex bytes joined by colons.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /**
   * Normalizes {@code AA:BB:...}, lower case or 64 hex digits without colons to {@code AA:BB:...}.
   *
   * @throws IllegalArgumentException when it is not 32 bytes of hex
   */
  public static String normalize(String text) {
    String hex = text == null ? "" : text.strip().replace(":", "").toUpperCase(Locale.ROOT);
    if (!hex.matches("[0-9A-F]{64}")) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a SHA-256 fingerprint (32 hex bytes like AA:BB:..., see pvenode cert"
              + " info)");
    }
    return format(HexFormat.of().parseHex(hex));
  }

  /** The SHA-256 fingerprint of a certificate's DER encoding. */
  public static String of(X509Certificate cert) {
    try {
      return format(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  private static String format(byte[] bytes) {
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes);
  }
}
