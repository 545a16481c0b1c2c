package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;

/**
 * A qdisc from {@code tc -j -s qdisc show}: kind, handle ({@code 1:}, {@code ffff:}), root or not,
 * and the packets it dropped (its statistics; 0 when not read).
 */
public record ObservedQdisc(
    InterfaceName dev, String kind, String handle, boolean root, long drops) {
  /** A qdisc whose statistics were not read. */
  public ObservedQdisc(InterfaceName dev, String kind, String handle, boolean root) {
    this(dev, kind, handle, root, 0);
  }

  /**
   * A qdisc the kernel attached by itself (handle {@code 0:}): nobody chose it, it may be replaced.
   */
  public boolean kernelDefault() {
    return "0:".equals(handle);
  }
}
