package io.pvespan.controller.capture;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import java.util.Comparator;
import java.util.Objects;

/** One guest device captured on one node, in the VM's direction the session mirrors. */
public record CaptureTarget(String node, InterfaceName device, Direction direction) {
  static final Comparator<CaptureTarget> ORDER =
      Comparator.comparing(CaptureTarget::device).thenComparing(CaptureTarget::node);

  public CaptureTarget {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(direction, "direction");
  }
}
