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

  /**
   * A problem is one line whatever the spec held: control characters (and the Unicode line and
   * paragraph separators) in the file name or the message, e.g. a value quoted back to the user or
   * the character SnakeYAML found ("but found" + a newline), are written as {@code \}{@code uXXXX}.
   */
  public SpecProblem {
    file = printable(file);
    message = printable(message);
  }

  /**
   * {@code text} with every character that could break a line written as {@code \}{@code uXXXX}.
   */
  static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

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
