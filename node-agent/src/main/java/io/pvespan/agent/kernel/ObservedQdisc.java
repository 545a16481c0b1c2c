package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;

/** A qdisc from {@code tc -j qdisc show}: kind, handle ({@code 1:}, {@code ffff:}), root or not. */
public record ObservedQdisc(InterfaceName dev, String kind, String handle, boolean root) {
  /**
   * A qdisc the kernel attached by itself (handle {@code 0:}): nobody chose it, it may be replaced.
   */
  public boolean kernelDefault() {
    return "0:".equals(handle);
  }
}
