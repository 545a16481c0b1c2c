package io.pvespan.controller.pve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads recorded Proxmox answers from {@code test-fixtures/pve/} at the repository root. */
public final class Fixtures {
  private Fixtures() {}

  public static Path dir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("test-fixtures/pve");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("test-fixtures/pve not found above " + here);
  }

  public static String read(String name) {
    try {
      return Files.readString(dir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
