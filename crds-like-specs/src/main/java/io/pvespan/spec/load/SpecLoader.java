package io.pvespan.spec.load;

import java.nio.file.Path;
import java.util.List;

/** Reads spec files and directory trees (all {@code *.yaml}/{@code *.yml}) and validates them. */
public final class SpecLoader {
  private SpecLoader() {}

  /**
   * Loads and validates every spec under {@code paths}: JSON Schema per kind, then semantics. Never
   * throws for bad input: every problem is a {@link SpecProblem}.
   */
  public static LoadResult load(List<Path> paths) {
    throw new UnsupportedOperationException("SpecLoader is being written");
  }
}
