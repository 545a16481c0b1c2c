package io.pvespan.controller.devices;

import io.pvespan.model.InterfaceName;
import io.pvespan.model.VmId;
import java.util.Objects;

/**
 * What a guest device the inventory did not expect asks of the controller: read one guest's config
 * now, or poll {@code /cluster/resources} now. {@code why} is one line for the log.
 */
public sealed interface DeviceAction {
  /** The node whose agent reported the device. */
  String node();

  InterfaceName device();

  String why();

  /**
   * The guest runs on the reporting node but the device is a NIC the inventory lacks, or came back
   * with another ifindex (Proxmox plugged it again: a live edit may have changed bridge, tag, rate
   * or MAC): its config, and only its config, is read again.
   */
  record ReadConfig(String node, InterfaceName device, VmId vmid, String why)
      implements DeviceAction {
    public ReadConfig {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(vmid, "vmid");
    }
  }

  /**
   * The inventory places the guest on another node, says it is not running, or does not know it (an
   * HA start, a migration, a guest created since the last poll): the whole guest list is read.
   */
  record PollCluster(String node, InterfaceName device, String why) implements DeviceAction {
    public PollCluster {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(device, "device");
    }
  }
}
