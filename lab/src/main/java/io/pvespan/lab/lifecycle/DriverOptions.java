package io.pvespan.lab.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the driver replays Proxmox.
 *
 * @param gap pause between two commands of a sequence (0, 2 ms, 20 ms ...): Proxmox's Perl spends a
 *     few ms between its {@code run_command}s
 * @param counterDevice a device on the node whose counters prove that the prio-50 rate-limit filter
 *     saw every frame: the police filter stand-in mirrors to it (see {@link RateLimit})
 * @param assumeVlanAware plan as if the NIC's bridge had {@code vlan_filtering=1}, for kernels
 *     without bridge VLAN filtering (Proxmox's {@code bridge vlan} commands then fail, visibly)
 */
public record DriverOptions(Duration gap, Optional<String> counterDevice, boolean assumeVlanAware) {
  public DriverOptions {
    Objects.requireNonNull(gap, "gap");
    if (gap.isNegative()) {
      throw new IllegalArgumentException("negative gap");
    }
    counterDevice = Objects.requireNonNull(counterDevice, "counterDevice");
  }

  /** No gap, no counter device, the bridge as the kernel reports it. */
  public static DriverOptions defaults() {
    return new DriverOptions(Duration.ZERO, Optional.empty(), false);
  }

  public DriverOptions withGap(Duration newGap) {
    return new DriverOptions(newGap, counterDevice, assumeVlanAware);
  }

  public DriverOptions withCounterDevice(String device) {
    return new DriverOptions(gap, Optional.ofNullable(device), assumeVlanAware);
  }
}
