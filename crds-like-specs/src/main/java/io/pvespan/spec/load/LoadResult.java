package io.pvespan.spec.load;

import io.pvespan.spec.SpecSet;
import java.util.List;

/**
 * Specs read from files: the valid set, or the problems (sorted). With any problem {@code specs}
 * must not be used: a broken repository never yields a partial set.
 */
public record LoadResult(SpecSet specs, List<SpecProblem> problems) {
  public LoadResult {
    problems = problems == null ? List.of() : problems.stream().sorted().toList();
    if (!problems.isEmpty()) {
      specs = null;
    }
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
