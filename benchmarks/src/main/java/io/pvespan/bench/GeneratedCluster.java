package io.pvespan.bench;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated cluster for the planner benchmark: 32 nodes, 10,000 guests with 4 NICs each (10% lxc,
 * 10% stopped, 100 tags, 50 pools), 20 sensor VMs and 2 collectors, and 200 sessions: 80 by tag, 40
 * by pool (net0 only), 60 by vmid range, 20 by tag to the collectors. Sensors sit on different
 * nodes than most of their sources, so most entries are remote (tunnels and deliveries).
 * Deterministic: no randomness.
 */
final class GeneratedCluster {
  static final int NODES = 32;
  static final int GUESTS = 10_000;
  static final int NICS = 4;
  static final int SENSORS = 20;
  static final int FIRST_SENSOR_VMID = 900_000;

  private GeneratedCluster() {}

  static Inventory inventory() {
    List<InventoryNode> nodes = new ArrayList<>();
    for (int n = 0; n < NODES; n++) {
      nodes.add(new InventoryNode(node(n), "198.18.1." + (n + 1), true, 9000));
    }
    List<Guest> guests = new ArrayList<>();
    for (int i = 0; i < GUESTS; i++) {
      guests.add(guest(i, node(i % NODES)));
    }
    for (int s = 0; s < SENSORS; s++) {
      guests.add(
          new Guest(
              VmId.of(FIRST_SENSOR_VMID + s),
              GuestType.QEMU,
              node((s * 7) % NODES),
              "running",
              "sensor-" + s,
              List.of(),
              null,
              false,
              null,
              List.of(nic(0), nic(1))));
    }
    return new Inventory(nodes, guests);
  }

  /** Guest {@code i} (vmid 1000 + i) on {@code node}. */
  static Guest guest(int i, String node) {
    List<GuestNic> nics = new ArrayList<>();
    for (int n = 0; n < NICS; n++) {
      nics.add(nic(n));
    }
    return new Guest(
        VmId.of(1000 + i),
        i % 10 == 3 ? GuestType.LXC : GuestType.QEMU,
        node,
        i % 10 == 7 ? "stopped" : "running",
        "guest-" + i,
        List.of("t" + (i % 100), "env-" + (i % 5)),
        "p" + (i % 50),
        false,
        null,
        nics);
  }

  static String node(int n) {
    return String.format("pve%02d", n + 1);
  }

  private static GuestNic nic(int n) {
    return new GuestNic(NicId.parse("net" + n), "vmbr0", null, n == 1, null, null, null);
  }

  static SpecSet specs() {
    List<Sensor> sensors = new ArrayList<>();
    for (int s = 0; s < SENSORS; s++) {
      sensors.add(
          Sensor.of(
              "sensor-" + s,
              new SensorSpec(
                  new SensorVm(VmId.of(FIRST_SENSOR_VMID + s), NicId.parse("net1")), null)));
    }
    sensors.add(remote("soc-a", "198.51.100.7", 4242));
    sensors.add(remote("soc-b", "198.51.100.8", 4343));
    List<MirrorSession> sessions = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      sessions.add(
          session("tag-" + k, selector(null, List.of("t" + k), null, null), "sensor-" + k % 20));
    }
    for (int k = 0; k < 40; k++) {
      sessions.add(
          session(
              "pool-" + k,
              selector(null, null, List.of("p" + k), List.of(NicId.parse("net0"))),
              "sensor-" + (k + 5) % 20));
    }
    for (int k = 0; k < 60; k++) {
      List<VmId> ids = new ArrayList<>();
      for (int j = 0; j < 20; j++) {
        ids.add(VmId.of(1000 + k * 150 + j));
      }
      sessions.add(session("vmids-" + k, selector(ids, null, null, null), "sensor-" + k % 20));
    }
    for (int k = 0; k < 20; k++) {
      sessions.add(
          session(
              "soc-" + k,
              selector(null, List.of("t" + (80 + k)), null, null),
              k % 2 == 0 ? "soc-a" : "soc-b"));
    }
    return new SpecSet(sensors, sessions);
  }

  private static Sensor remote(String name, String address, int vni) {
    return Sensor.of(
        name,
        new SensorSpec(null, new RemoteCollector(address, Encapsulation.VXLAN, Vni.of(vni), null)));
  }

  private static SourceSelector selector(
      List<VmId> vmids, List<String> tags, List<String> pools, List<NicId> nics) {
    return new SourceSelector(vmids, tags, pools, null, null, nics, null);
  }

  private static MirrorSession session(String name, SourceSelector sources, String sensor) {
    return MirrorSession.of(name, new MirrorSessionSpec(sources, null, sensor, null, null, null));
  }
}
