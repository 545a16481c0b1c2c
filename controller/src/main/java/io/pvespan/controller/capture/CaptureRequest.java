package io.pvespan.controller.capture;

import io.pvespan.model.VmId;
import io.pvespan.spec.ObjectMeta;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code ./pvespan capture} asks for: one session's mirrored guests, or one VM of it, for at
 * most {@code duration} and {@code maxBytes} of pcap records, optionally narrowed by a pcap filter
 * expression (checked again by each agent).
 */
public record CaptureRequest(
    String session, Optional<VmId> vm, Optional<String> filter, Duration duration, long maxBytes) {
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  public static final long MAX_BYTES = 1L << 30;
  private static final Pattern FILTER = Pattern.compile("[A-Za-z0-9 .:/()!&|=<>\\[\\]*+-]{1,256}");

  public CaptureRequest {
    new ObjectMeta(session);
    vm = vm == null ? Optional.empty() : vm;
    filter = filter == null ? Optional.empty() : filter;
    if (filter.isPresent() && (!FILTER.matcher(filter.get()).matches() || filter.get().isBlank())) {
      throw new IllegalArgumentException(
          "filter '"
              + filter.get()
              + "' is not a pcap expression pvespan accepts (letters, digits, space and"
              + " .:/()!&|=<>[]*+- only, at most 256)");
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("duration is over " + MAX_DURATION.toMinutes() + " min");
    }
    if (maxBytes <= 0 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException("bytes must be 1.." + MAX_BYTES);
    }
  }
}
