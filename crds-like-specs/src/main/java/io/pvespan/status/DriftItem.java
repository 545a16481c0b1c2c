package io.pvespan.status;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * A difference between the plan and the kernel, on something of ours: a planned rule or device that
 * is {@code missing}, one of ours that is {@code unexpected}, or one that is {@code modified}.
 * {@code object} names it (e.g. {@code filter tap101i0 ingress prio 7}); {@code since} is when the
 * agent first saw it.
 */
public record DriftItem(Kind kind, String object, String detail, Instant since) {
  public enum Kind {
    MISSING,
    UNEXPECTED,
    MODIFIED;

    @JsonCreator
    public static Kind parse(String text) {
      return Kind.valueOf(text.toUpperCase(Locale.ROOT));
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
