package io.pvespan.spec.load;

import java.util.Comparator;

/**
 * One problem with a spec, shown to the user as {@code file:line:col: message}; a problem with a
 * path as a whole (it does not exist, cannot be read) has line 0 and shows as {@code file:
 * message}.
 */
public record SpecProblem(String file, int line, int column, String message)
    implements Comparable<SpecProblem> {
  private static final Comparator<SpecProblem> ORDER =
      Comparator.comparing(SpecProblem::file)
          .thenComparingInt(SpecProblem::line)
          .thenComparingInt(SpecProblem::column)
          .thenComparing(SpecProblem::message);

  @Override
  public int compareTo(SpecProblem o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    if (line <= 0) {
      return file + ": " + message;
    }
    return file + ":" + line + ":" + column + ": " + message;
  }
}
