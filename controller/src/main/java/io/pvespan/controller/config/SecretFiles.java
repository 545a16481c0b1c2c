package io.pvespan.controller.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Reads credential files, refusing ones that others on the host could read. */
public final class SecretFiles {
  private static final Set<PosixFilePermission> TOO_OPEN =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private SecretFiles() {}

  /**
   * The file's content without surrounding white space.
   *
   * @throws IllegalArgumentException with a one-line reason (missing, too open, empty)
   */
  public static ControllerConfig.Secret read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + " does not exist or is not a file");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(TOO_OPEN::contains)) {
        throw new IllegalArgumentException(
            file + " is readable or writable by group or others (chmod 600 it)");
      }
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(file + " is empty");
      }
      return new ControllerConfig.Secret(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
    }
  }
}
