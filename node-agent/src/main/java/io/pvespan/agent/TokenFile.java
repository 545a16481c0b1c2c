package io.pvespan.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads the shared bearer token. The file must not be readable or writable by group or others (like
 * ssh refuses a loose private key): a token anyone on the node can read is no secret.
 */
final class TokenFile {
  private static final Set<PosixFilePermission> LOOSE =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private TokenFile() {}

  /** The token (trimmed); an {@link IOException} with one line when unusable. */
  static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("token file " + file + " does not exist or is not a file");
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      perms = Set.of();
    }
    if (perms.stream().anyMatch(LOOSE::contains)) {
      throw new IOException(
          "token file " + file + " is accessible by group or others; chmod 600 it");
    }
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IOException("token file " + file + " is unreadable: " + e.getMessage());
    }
    if (token.isEmpty() || token.contains("\n") || token.contains(" ")) {
      throw new IOException("token file " + file + " must hold one token on one line");
    }
    return token;
  }
}
