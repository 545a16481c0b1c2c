package io.pvespan.agent.capture;

import io.pvespan.agent.kernel.BpfProgram;
import io.pvespan.agent.kernel.PcapFilter;
import io.pvespan.model.Direction;
import io.pvespan.model.GuestNicDevice;
import io.pvespan.model.InterfaceName;
import io.pvespan.spec.ObjectMeta;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One capture the controller asks for: a guest device ({@code tap<vmid>i<n>} or {@code
 * veth<vmid>i<n>}, never a bridge, an uplink or one of ours: the controller may already mirror any
 * guest device by plan, so it gains nothing new), the VM's direction, an optional pcap filter, and
 * limits within the agent's bounds. {@code sessionMatch}: the session's filter rules compiled as
 * for its mirror filters ({@link io.pvespan.agent.kernel.BpfCompiler}); a frame it does not match
 * is left out, so the capture holds what the session mirrors. {@code session} labels it (logs).
 */
public record CaptureSpec(
    String session,
    InterfaceName device,
    Direction direction,
    Optional<PcapFilter> filter,
    Duration duration,
    long maxBytes,
    Optional<BpfProgram> sessionMatch) {
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  public static final long MAX_BYTES = 1L << 30;

  public CaptureSpec {
    new ObjectMeta(session); // throws for a name that is no session name
    Objects.requireNonNull(device, "device");
    if (GuestNicDevice.parse(device).isEmpty()) {
      throw new IllegalArgumentException(
          "device " + device + " is not a guest NIC's device (tap<vmid>i<n>, veth<vmid>i<n>)");
    }
    Objects.requireNonNull(direction, "direction");
    filter = filter == null ? Optional.empty() : filter;
    sessionMatch = sessionMatch == null ? Optional.empty() : sessionMatch;
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("duration " + duration + " is over " + MAX_DURATION);
    }
    if (maxBytes <= 0 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException("bytes must be 1.." + MAX_BYTES);
    }
  }

  /**
   * A capture of everything on the device in {@code direction} (a session without filter rules).
   */
  public CaptureSpec(
      String session,
      InterfaceName device,
      Direction direction,
      Optional<PcapFilter> filter,
      Duration duration,
      long maxBytes) {
    this(session, device, direction, filter, duration, maxBytes, Optional.empty());
  }
}
