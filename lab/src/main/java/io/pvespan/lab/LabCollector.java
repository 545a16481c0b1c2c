package io.pvespan.lab;

import io.pvespan.model.Encapsulation;
import io.pvespan.plan.TunnelTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * An external collector on the lab's underlay that really decapsulates: its own namespace ({@code
 * prefix-col<n>}) holding the collector's address, and a Linux {@code vxlan} device with the
 * sessions' VNI on that address. Copies that pvespan sends to {@code address}/VNI arrive there as
 * the inner frames, counted by the device and visible to tcpdump, as on a real collector.
 *
 * @param ns the collector's namespace
 * @param address its underlay address (the {@code Sensor.spec.remote.address})
 * @param vni the VXLAN network identifier the sessions use
 * @param device the decapsulating device ({@code vxlan<vni>})
 */
public record LabCollector(String ns, String address, int vni, String device) {
  /** The collector's decapsulating device MTU: the guests' 1500. */
  static final int MTU = 1500;

  private static final int ETHERNET_HEADER = 14;

  /**
   * One collector per distinct VXLAN remote/VNI of {@code plan} whose address is on the lab's
   * underlay (198.18.0.0/24, where the lab nodes are), so that no copy leaves the lab.
   */
  public static List<LabCollector> forPlan(Lab lab, LabPlan plan) {
    List<LabCollector> all = new ArrayList<>();
    for (LabPlan.Placed p : plan.mirrors()) {
      if (p.sensorDevice() != null
          || !(p.entry().target() instanceof TunnelTarget t)
          || t.encapsulation() != Encapsulation.VXLAN
          || t.vni() == null
          || !onUnderlay(lab, t.remote())) {
        continue;
      }
      if (all.stream().noneMatch(c -> c.serves(t))) {
        all.add(up(lab, "col" + (all.size() + 1), t.remote(), t.vni().value()));
      }
    }
    return all;
  }

  /** Builds the collector host and its vxlan device. */
  public static LabCollector up(Lab lab, String name, String address, int vni) {
    String ns = lab.underlayHost(name, address);
    String device = "vxlan" + vni;
    LabBuilder.ip(
        ns,
        "link",
        "add",
        device,
        "mtu",
        String.valueOf(MTU),
        "type",
        "vxlan",
        "id",
        String.valueOf(vni),
        "local",
        address,
        "dstport",
        "4789",
        "nolearning");
    // Promiscuous, as a collector's capture device is: nothing is filtered by destination MAC.
    LabBuilder.ip(ns, "link", "set", device, "promisc", "on", "up");
    return new LabCollector(ns, address, vni, device);
  }

  /** Whether copies sent to {@code target} end here. */
  public boolean serves(TunnelTarget target) {
    return target.remote().equals(address)
        && target.vni() != null
        && target.vni().value() == vni
        && target.encapsulation() == Encapsulation.VXLAN;
  }

  /**
   * The decapsulating device's counters, in the guests' terms: a vxlan device counts each inner
   * frame after taking off its 14-byte Ethernet header (a veth counts whole frames), so 14 bytes
   * per received frame are added back.
   */
  public LinkCounters counters() {
    LinkCounters c = LinkCounters.read(ns, device);
    return new LinkCounters(
        c.rxBytes() + ETHERNET_HEADER * c.rxPackets(),
        c.rxPackets(),
        c.txBytes() + ETHERNET_HEADER * c.txPackets(),
        c.txPackets());
  }

  @Override
  public String toString() {
    return ns + " " + address + " " + device;
  }

  private static boolean onUnderlay(Lab lab, String address) {
    String net = lab.topology().nodes().get(0).address();
    String prefix = net.substring(0, net.lastIndexOf('.') + 1);
    return address.startsWith(prefix)
        && lab.topology().nodes().stream().noneMatch(n -> n.address().equals(address))
        && !address.equals(LabTopology.CONTROLLER_ADDRESS);
  }
}
