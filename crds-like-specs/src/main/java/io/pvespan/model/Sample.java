package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code sample: 1/N}: each frame the filter accepts is copied with probability 1/N, decided per
 * frame by the kernel's random number ({@code SKF_AD_RANDOM} in the compiled classic BPF program).
 * N = 1 copies every frame.
 */
public record Sample(int denominator) {
  public static final int MAX = 1_000_000;

  public Sample {
    if (denominator < 1 || denominator > MAX) {
      throw new IllegalArgumentException("sample 1/" + denominator + ": N is outside 1.." + MAX);
    }
  }

  @JsonCreator
  public static Sample parse(String text) {
    if (text == null || !text.matches("1/[1-9][0-9]{0,6}")) {
      throw new IllegalArgumentException("sample '" + text + "' is not 1/N (N a whole number)");
    }
    return new Sample(Integer.parseInt(text.substring(2)));
  }

  /** Every frame: no sampling code is needed. */
  public boolean everything() {
    return denominator == 1;
  }

  /**
   * Frames whose unsigned 32-bit random number is below this are copied: round(2^32 / N), so the
   * copied fraction is 1/N to within 2^-32.
   */
  public long threshold() {
    return Math.round(4294967296.0 / denominator);
  }

  @JsonValue
  @Override
  public String toString() {
    return "1/" + denominator;
  }
}
