package io.pvespan.agent.kernel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The mark on every tc action pvespan adds: 16 bytes (the kernel's cookie maximum), printed as 32
 * hex digits: the magic {@code 70737031} ("psp1"), 6 bytes of SHA-256 over the entry's identity
 * (session, device, side) and 6 bytes over its content (target, mode, match). A filter whose action
 * carries the magic in our priority range is ours; the identity part lets a restarted agent adopt
 * it for the same plan entry, the content part tells whether it was {@code modified}.
 */
public record OwnershipCookie(String hex) {
  public static final String MAGIC = "70737031";
  private static final Pattern FORM = Pattern.compile(MAGIC + "[0-9a-f]{24}");

  public OwnershipCookie {
    if (hex == null || !FORM.matcher(hex).matches()) {
      throw new IllegalArgumentException("'" + hex + "' is not a pvespan cookie");
    }
  }

  /** The cookie for an entry with this identity and content description. */
  public static OwnershipCookie of(String identity, String content) {
    return new OwnershipCookie(MAGIC + hash(identity) + hash(content));
  }

  /** Ours when the text is a pvespan cookie; null for anyone else's cookie (or none). */
  public static OwnershipCookie parseOrNull(String text) {
    return text != null && FORM.matcher(text).matches() ? new OwnershipCookie(text) : null;
  }

  public String identity() {
    return hex.substring(8, 20);
  }

  public String content() {
    return hex.substring(20);
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
