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
   * Null when only the owner may read and write {@code file}; else why it is refused, one line.
   *
   * @throws IOException when its permissions cannot be read
   */
  static String tooOpen(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    return perms.stream().anyMatch(TOO_OPEN::contains)
        ? file + " is readable or writable by group or others (chmod 600 it)"
        : null;
  }

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
      String open = tooOpen(file);
      if (open != null) {
        throw new IllegalArgumentException(open);
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
