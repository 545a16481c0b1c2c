package io.pvespan.controller.specs;

import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Specs in a directory tree ({@code specs.path}). The fingerprint is a SHA-256 over the relative
 * path and content of every {@code *.yaml}/{@code *.yml} file: content-based rather than
 * mtime-based so that a {@code git checkout} that rewrites identical files does not count as a
 * change, and a change within the mtime granularity is still seen.
 */
public final class DirectorySpecSource implements SpecSource {
  private final Path root;

  public DirectorySpecSource(Path root) {
    this.root = root;
  }

  @Override
  public String fingerprint() throws IOException {
    MessageDigest sha = sha256();
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> specs =
          files.filter(Files::isRegularFile).filter(DirectorySpecSource::isSpec).sorted().toList();
      for (Path f : specs) {
        sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(f));
        sha.update((byte) 0);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public LoadResult load() {
    return SpecLoader.load(List.of(root));
  }

  private static boolean isSpec(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
