package io.pvespan.controller.specs;

import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Specs in a directory tree ({@code specs.path}). The fingerprint is a SHA-256 streamed over the
 * relative path, size and modification time (ns) of exactly the files the loader reads ({@code
 * *.yaml}/{@code *.yml}, hidden ones skipped): it costs one {@code stat} per file and reads no
 * content, so checking every second is cheap whatever the files hold, and content is read once, by
 * {@link #load()}, only when the fingerprint moved. A rewrite of identical content (a {@code git
 * checkout}) costs one load that yields the same specs, and the same plans: nothing is pushed.
 */
public final class DirectorySpecSource implements SpecSource {
  private final Path root;

  public DirectorySpecSource(Path root) {
    this.root = root;
  }

  @Override
  public String fingerprint() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a directory");
    }
    List<SpecProblem> problems = new ArrayList<>();
    List<Path> files = SpecLoader.files(List.of(root), problems);
    MessageDigest sha = sha256();
    for (Path f : files) {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(
          (a.size() + ":" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS))
              .getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    // A directory that cannot be walked, or has no spec at all, differs from every good state.
    problems.forEach(p -> sha.update(p.toString().getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Reads every file once; files over the 1 MiB limit are refused by size, unread. */
  @Override
  public LoadResult load() {
    return SpecLoader.load(List.of(root));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
