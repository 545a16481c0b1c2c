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
   * A problem is one line whatever the spec held: control characters, the Unicode line and
   * paragraph separators and the invisible direction and format marks in the message (a value
   * quoted back to the user, the character SnakeYAML found: "but found" + a newline) are written as
   * {@code \}{@code uXXXX}; the file name likewise when shown ({@link #toString}), but kept as it
   * is in {@link #file}, a path other code opens.
   */
  public SpecProblem {
    message = printable(message);
  }

  /**
   * {@code text} with every character that could break a line or hide in it written as {@code
   * \}{@code uXXXX}.
   */
  static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || (c >= '\u200b' && c <= '\u200f')
          || (c >= '\u2028' && c <= '\u202e')
          || (c >= '\u2060' && c <= '\u2069')
          || c == '\ufeff') {
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
      return printable(file) + ": " + message;
    }
    return printable(file) + ":" + line + ":" + column + ": " + message;
  }
}
