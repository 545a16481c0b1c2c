package io.pvespan.agent.kernel;

import java.util.regex.Pattern;

/**
 * A named network namespace ({@code /run/netns/NAME}) for {@code ip -n} / {@code tc -n}: 1..64
 * characters from {@code [A-Za-z0-9_.-]}, not starting with a dash or dot, so it is always exactly
 * one harmless argument.
 */
public record NetnsName(String value) {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  public NetnsName {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a network namespace name");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
