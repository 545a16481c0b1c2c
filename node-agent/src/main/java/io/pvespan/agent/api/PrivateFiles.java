package io.pvespan.agent.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The agent's secrets (the bearer token, the TLS key) must not be readable or writable by group or
 * others, as ssh refuses a loose private key: a secret anyone on the node can read is no secret.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> LOOSE =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private PrivateFiles() {}

  /** One-line {@link IOException} "{@code what} is accessible by group or others; chmod 600 it". */
  public static void refuseLoose(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      perms = Set.of();
    }
    if (perms.stream().anyMatch(LOOSE::contains)) {
      throw new IOException(what + " is accessible by group or others; chmod 600 it");
    }
  }
}
