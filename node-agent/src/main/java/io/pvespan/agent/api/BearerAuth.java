package io.pvespan.agent.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Checks {@code Authorization: Bearer <token>} against the agent's shared token. The comparison is
 * constant-time ({@link MessageDigest#isEqual}) so response timing does not leak how much of a
 * guess was right.
 */
final class BearerAuth {
  private static final String SCHEME = "bearer ";
  private final byte[] token;

  BearerAuth(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the token is empty");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** True when {@code header} (the Authorization header, may be null) carries the token. */
  boolean allows(String header) {
    if (header == null || header.length() <= SCHEME.length()) {
      return false;
    }
    // The scheme name is case-insensitive (RFC 9110 11.1); the token is not.
    if (!header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    byte[] given = header.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, given);
  }
}
