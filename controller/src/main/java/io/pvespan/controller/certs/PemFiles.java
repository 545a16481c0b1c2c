package io.pvespan.controller.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Writes PEM files that do not exist yet: every target is checked before the first is written, so a
 * refused run leaves nothing half-made. Keys are created 0600 (never briefly wider: the mode is set
 * at creation), certificates 0644.
 */
final class PemFiles {
  private PemFiles() {}

  /** One file to write. */
  record Pem(Path file, String text, boolean secret) {}

  /**
   * @throws IOException one line: a target exists (nothing is overwritten) or cannot be written
   */
  static void writeNew(List<Pem> files) throws IOException {
    for (Pem p : files) {
      if (Files.exists(p.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(p.file() + " exists; not overwriting it (move it away first)");
      }
    }
    for (Pem p : files) {
      String mode = p.secret() ? "rw-------" : "rw-r--r--";
      try {
        Files.createFile(
            p.file(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
      } catch (FileAlreadyExistsException e) {
        throw new IOException(p.file() + " exists; not overwriting it (move it away first)");
      }
      // The umask may have narrowed the mode at creation; set it exactly.
      Files.setPosixFilePermissions(p.file(), PosixFilePermissions.fromString(mode));
      Files.writeString(
          p.file(), p.text(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
  }

  /** Reads the named files of a CA directory, one-line errors. */
  static Map<String, String> read(Path dir, String... names) throws IOException {
    var out = new java.util.LinkedHashMap<String, String>();
    for (String n : names) {
      Path f = dir.resolve(n);
      if (!Files.isRegularFile(f)) {
        throw new IOException(f + " does not exist (run ./pvespan certs init --dir " + dir + ")");
      }
      out.put(n, Files.readString(f, StandardCharsets.US_ASCII));
    }
    return out;
  }
}
