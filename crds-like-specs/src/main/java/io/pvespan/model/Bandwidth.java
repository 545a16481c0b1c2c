package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A copy budget in bits per second, written like tc writes rates: {@code 500kbit}, {@code 10Mbit},
 * {@code 1Gbit} (decimal: 1 Mbit = 1,000,000 bit/s). Bounds: {@link #MIN} (64 kbit/s, below that
 * not even a header sensor learns anything) to {@link #MAX} (100 Gbit/s).
 */
public record Bandwidth(long bitsPerSecond) {
  public static final long MIN = 64_000L;
  public static final long MAX = 100_000_000_000L;
  private static final Pattern TEXT = Pattern.compile("([1-9][0-9]{0,8})(kbit|Mbit|Gbit)");

  public Bandwidth {
    if (bitsPerSecond < MIN || bitsPerSecond > MAX) {
      throw new IllegalArgumentException(
          "budget " + bitsPerSecond + " bit/s is outside 64kbit..100Gbit");
    }
    if (bitsPerSecond % 1_000L != 0) {
      throw new IllegalArgumentException("budget " + bitsPerSecond + " bit/s is not whole kbit");
    }
  }

  @JsonCreator
  public static Bandwidth parse(String text) {
    Matcher m = text == null ? null : TEXT.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "budget '" + text + "' is not a rate like 500kbit, 10Mbit or 1Gbit");
    }
    long unit =
        switch (m.group(2)) {
          case "kbit" -> 1_000L;
          case "Mbit" -> 1_000_000L;
          default -> 1_000_000_000L;
        };
    long n = Long.parseLong(m.group(1));
    if (n > MAX / unit) {
      throw new IllegalArgumentException("budget '" + text + "' is above 100Gbit");
    }
    return new Bandwidth(n * unit);
  }

  /** The rate in tc's own words (bits per second with {@code bit}), for {@code tbf rate}. */
  public String tcRate() {
    return bitsPerSecond + "bit";
  }

  /** Bytes per second (what {@code tc -j} prints as a tbf's rate). */
  public long bytesPerSecond() {
    return bitsPerSecond / 8;
  }

  @JsonValue
  @Override
  public String toString() {
    if (bitsPerSecond % 1_000_000_000L == 0) {
      return bitsPerSecond / 1_000_000_000L + "Gbit";
    }
    if (bitsPerSecond % 1_000_000L == 0) {
      return bitsPerSecond / 1_000_000L + "Mbit";
    }
    if (bitsPerSecond % 1_000L == 0) {
      return bitsPerSecond / 1_000L + "kbit";
    }
    throw new IllegalStateException("not a whole kbit: " + bitsPerSecond);
  }
}
