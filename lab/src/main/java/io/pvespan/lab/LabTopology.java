package io.pvespan.lab;

import io.pvespan.model.GuestType;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a lab is made of: node namespaces on an underlay, and running VMs on them. Every namespace
 * the lab creates starts with {@code prefix + "-"}, which is how teardown finds them (also the ones
 * a crashed run left behind).
 *
 * <p>See {@code test-fixtures/lab/README.md} for the picture.
 */
public record LabTopology(String prefix, List<LabNode> nodes, List<LabVm> vms) {
  /** The bridge lab VMs' ordinary NICs are attached to in each node namespace. */
  public static final String VM_BRIDGE = "vmbr0";

  /** A bridge holding only capture NICs, so a sensor receives nothing but the mirror. */
  public static final String CAPTURE_BRIDGE = "vmbr9";

  /** The controller namespace's underlay address (the stand-in and the controller listen here). */
  public static final String CONTROLLER_ADDRESS = "198.18.0.10";

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,15}");

  public LabTopology {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("lab prefix '" + prefix + "' must match " + PREFIX);
    }
    nodes = List.copyOf(nodes);
    vms = List.copyOf(vms);
    for (LabVm vm : vms) {
      if (nodes.stream().noneMatch(n -> n.name().equals(vm.node()))) {
        throw new IllegalArgumentException("vm " + vm.vmid() + " is on unknown node " + vm.node());
      }
    }
  }

  /**
   * The three-node lab matching {@code test-fixtures/inventories/lab-3-nodes.json}: the running
   * guests 101, 102 (pve1), 103 (lxc, pve2), sensor 200 (pve1, capture NIC net1) and sensor 201
   * (pve3, capture NIC net1). 104 is stopped and 105 a template: no devices, as on Proxmox.
   */
  public static LabTopology threeNodes(String prefix) {
    return new LabTopology(
        prefix,
        List.of(
            new LabNode("pve1", "198.18.0.1"),
            new LabNode("pve2", "198.18.0.2"),
            new LabNode("pve3", "198.18.0.3")),
        List.of(
            new LabVm(101, GuestType.QEMU, "pve1", List.of(LabNic.plain(0))),
            new LabVm(102, GuestType.QEMU, "pve1", List.of(LabNic.plain(0))),
            new LabVm(103, GuestType.LXC, "pve2", List.of(LabNic.plain(0))),
            new LabVm(200, GuestType.QEMU, "pve1", List.of(LabNic.plain(0), LabNic.capture(1))),
            new LabVm(201, GuestType.QEMU, "pve3", List.of(LabNic.capture(1)))));
  }

  /** A prefix unique to this run: {@code base} plus 4 random lowercase letters and digits. */
  public static String randomPrefix(String base) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder(base);
    for (int i = 0; i < 4; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  public String underlayNs() {
    return prefix + "-ul";
  }

  public String controllerNs() {
    return prefix + "-ctl";
  }

  public String nodeNs(String node) {
    return prefix + "-" + node;
  }

  public String vmNs(int vmid) {
    return prefix + "-vm" + vmid;
  }

  public LabVm vm(int vmid) {
    return vms.stream()
        .filter(v -> v.vmid() == vmid)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no lab vm " + vmid));
  }

  public LabNode node(String name) {
    Objects.requireNonNull(name, "name");
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no lab node " + name));
  }
}
