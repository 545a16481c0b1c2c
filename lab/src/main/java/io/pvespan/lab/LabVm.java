package io.pvespan.lab;

import io.pvespan.model.GuestType;
import java.util.List;
import java.util.Objects;

/**
 * A running lab guest: a namespace {@code <prefix>-vm<vmid>} whose NICs are veth peers of host
 * devices named as Proxmox names them ({@code tap<vmid>i<n>}, {@code veth<vmid>i<n>} for lxc) in
 * its node's namespace.
 */
public record LabVm(int vmid, GuestType type, String node, List<LabNic> nics) {
  public LabVm {
    if (vmid < 100 || vmid > 254) {
      // 198.19.<n>.<vmid> addressing keeps lab VMs in one octet.
      throw new IllegalArgumentException("lab vmid " + vmid + " must be in 100..254");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(node, "node");
    nics = List.copyOf(nics);
    if (nics.isEmpty()) {
      throw new IllegalArgumentException("lab vm " + vmid + " needs a NIC");
    }
  }

  /** The host-side device of {@code nic} as Proxmox names it. */
  public String hostDevice(LabNic nic) {
    return type.devicePrefix() + vmid + "i" + nic.index();
  }

  /** The address of {@code net<index>}, or null for a capture NIC. */
  public String address(int index) {
    return nics.stream()
        .filter(n -> n.index() == index && !n.capture())
        .findFirst()
        .map(n -> "198.19." + n.index() + "." + vmid)
        .orElse(null);
  }

  public LabNic nic(int index) {
    return nics.stream()
        .filter(n -> n.index() == index)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("vm " + vmid + " has no net" + index));
  }

  public LabVm on(String otherNode) {
    return new LabVm(vmid, type, otherNode, nics);
  }
}
