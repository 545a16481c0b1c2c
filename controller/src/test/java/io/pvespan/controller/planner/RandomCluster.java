package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
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
import java.util.Random;

/**
 * Small random clusters and random changes to them, for the re-plan equivalence test. Seeded: the
 * same seed gives the same cluster and changes. Made to hit every planner path: local and remote
 * sensors, collectors (two sharing a VNI so tunnels can clash), a sensor guest that sessions may
 * select (a loop), offline nodes, a small underlay MTU, unknown nodes, templates, stopped guests,
 * tags in mixed case, pools, NIC and guest excludes, paused sessions, rate-limited NICs, and
 * roaming guests and sensors (lock migrate on and off, nodes going offline and coming back).
 */
final class RandomCluster {
  static final List<String> NODES = List.of("pve1", "pve2", "pve3", "pve4");
  static final List<String> TAGS = List.of("dmz", "DMZ", "db", "web", "ids", "Lab");
  static final List<String> POOLS = List.of("web", "db", "ops");
  static final int FIRST_VMID = 100;
  static final int SENSOR_VMIDS = 500;

  private final Random random;

  RandomCluster(long seed) {
    random = new Random(seed);
  }

  Inventory inventory(int guests) {
    List<InventoryNode> nodes = new ArrayList<>();
    for (int n = 0; n < NODES.size(); n++) {
      boolean online = n != 3 || random.nextBoolean();
      nodes.add(
          new InventoryNode(NODES.get(n), "198.18.0." + (n + 1), online, n == 2 ? 1500 : 9000));
    }
    List<Guest> list = new ArrayList<>();
    for (int i = 0; i < guests; i++) {
      list.add(guest(FIRST_VMID + i));
    }
    for (int s = 0; s < 3; s++) {
      list.add(sensorGuest(SENSOR_VMIDS + s));
    }
    return new Inventory(nodes, list);
  }

  SpecSet specs() {
    List<Sensor> sensors = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      sensors.add(
          Sensor.of(
              "sensor-" + s,
              new SensorSpec(new SensorVm(VmId.of(SENSOR_VMIDS + s), NicId.parse("net1")), null)));
    }
    sensors.add(collector("soc-a", "198.51.100.7", 4242));
    sensors.add(collector("soc-b", "198.51.100.8", random.nextBoolean() ? 4242 : 4343));
    List<String> refs = List.of("sensor-0", "sensor-1", "sensor-2", "soc-a", "soc-b", "nobody");
    List<MirrorSession> sessions = new ArrayList<>();
    int count = 6 + random.nextInt(6);
    for (int k = 0; k < count; k++) {
      String ref = refs.get(random.nextInt(random.nextInt(10) == 0 ? refs.size() : 5));
      Encapsulation encapsulation =
          random.nextInt(4) == 0
              ? Encapsulation.values()[random.nextInt(Encapsulation.values().length)]
              : Encapsulation.AUTO;
      sessions.add(
          MirrorSession.of(
              "s" + k,
              new MirrorSessionSpec(
                  selector(true),
                  Direction.values()[random.nextInt(3)],
                  ref,
                  encapsulation,
                  null,
                  random.nextInt(8) == 0)));
    }
    return new SpecSet(sensors, sessions);
  }

  /** One random change: migration, stop/start, tags, pool, NICs, template, added or removed. */
  Inventory change(Inventory inventory) {
    List<Guest> guests = new ArrayList<>(inventory.guests());
    int i = random.nextInt(guests.size());
    Guest g = guests.get(i);
    switch (random.nextInt(11)) {
      case 0 -> guests.set(i, with(g, pick(NODES), g.status(), g.tags(), g.pool(), g.nics()));
      case 1 ->
          guests.set(
              i,
              with(g, g.node(), g.running() ? "stopped" : "running", g.tags(), g.pool(), g.nics()));
      case 2 -> guests.set(i, with(g, g.node(), g.status(), tags(), g.pool(), g.nics()));
      case 3 -> guests.set(i, with(g, g.node(), g.status(), g.tags(), pool(), g.nics()));
      case 4 -> guests.set(i, with(g, g.node(), g.status(), g.tags(), g.pool(), nics()));
      case 5 -> guests.remove(i);
      case 6 -> guests.add(guest(FIRST_VMID + 1000 + random.nextInt(1000)));
      case 7 ->
          guests.set(
              i,
              new Guest(
                  g.vmid(),
                  g.type(),
                  g.node(),
                  g.status(),
                  g.name(),
                  g.tags(),
                  g.pool(),
                  !g.template(),
                  g.lock(),
                  g.nics()));
      case 8, 9 -> guests.set(i, withLock(g, g.lock() == null ? "migrate" : null));
      default -> guests.set(i, with(g, "pve9", g.status(), g.tags(), g.pool(), g.nics()));
    }
    return new Inventory(inventory.nodes(), dedupe(guests));
  }

  /** A sensor guest moves to another node (or stops), or starts or ends a live migration. */
  Inventory moveSensor(Inventory inventory) {
    List<Guest> guests = new ArrayList<>();
    VmId sensor = VmId.of(SENSOR_VMIDS + random.nextInt(3));
    int what = random.nextInt(4);
    for (Guest g : inventory.guests()) {
      if (!g.vmid().equals(sensor)) {
        guests.add(g);
      } else if (what == 0) {
        guests.add(with(g, g.node(), "stopped", g.tags(), g.pool(), g.nics()));
      } else if (what == 1) {
        guests.add(withLock(g, g.lock() == null ? "migrate" : null));
      } else {
        guests.add(with(g, pick(NODES), "running", g.tags(), g.pool(), g.nics()));
      }
    }
    return new Inventory(inventory.nodes(), guests);
  }

  /** A node goes offline or comes back (which changes which guests roam). */
  Inventory toggleNode(Inventory inventory) {
    int n = random.nextInt(inventory.nodes().size());
    List<InventoryNode> nodes = new ArrayList<>(inventory.nodes());
    InventoryNode node = nodes.get(n);
    nodes.set(n, new InventoryNode(node.name(), node.address(), !node.online(), node.mtu()));
    return new Inventory(nodes, inventory.guests());
  }

  /** The same inventory, shuffled: a re-plan must not care about order. */
  Inventory shuffled(Inventory inventory) {
    List<Guest> guests = new ArrayList<>(inventory.guests());
    java.util.Collections.shuffle(guests, random);
    return new Inventory(inventory.nodes(), guests);
  }

  /** 1..4 more changes. */
  int nextCount() {
    return 1 + random.nextInt(4);
  }

  boolean chance(int oneIn) {
    return random.nextInt(oneIn) == 0;
  }

  private static List<Guest> dedupe(List<Guest> guests) {
    List<Guest> out = new ArrayList<>();
    java.util.Set<VmId> seen = new java.util.HashSet<>();
    for (Guest g : guests) {
      if (seen.add(g.vmid())) {
        out.add(g);
      }
    }
    return out;
  }

  private Guest guest(int vmid) {
    return new Guest(
        VmId.of(vmid),
        random.nextInt(5) == 0 ? GuestType.LXC : GuestType.QEMU,
        pick(NODES),
        random.nextInt(5) == 0 ? "stopped" : "running",
        "g" + vmid,
        tags(),
        pool(),
        random.nextInt(20) == 0,
        random.nextInt(15) == 0 ? "migrate" : null,
        nics());
  }

  private Guest sensorGuest(int vmid) {
    return new Guest(
        VmId.of(vmid),
        GuestType.QEMU,
        pick(NODES),
        "running",
        "sensor" + vmid,
        random.nextBoolean() ? List.of("ids") : List.of(),
        null,
        false,
        null,
        List.of(nic(0, null), nic(1, null)));
  }

  private static Guest withLock(Guest g, String lock) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        lock,
        g.nics());
  }

  private static Guest with(
      Guest g, String node, String status, List<String> tags, String pool, List<GuestNic> nics) {
    return new Guest(
        g.vmid(), g.type(), node, status, g.name(), tags, pool, g.template(), g.lock(), nics);
  }

  private SourceSelector selector(boolean withExclude) {
    List<VmId> vmids = null;
    if (random.nextInt(4) == 0) {
      vmids = new ArrayList<>();
      for (int j = random.nextInt(6); j >= 0; j--) {
        vmids.add(VmId.of(random.nextInt(8) == 0 ? SENSOR_VMIDS : FIRST_VMID + random.nextInt(60)));
      }
    }
    List<String> tags = random.nextInt(2) == 0 ? List.of(pick(TAGS).toUpperCase()) : null;
    if (tags != null && random.nextBoolean()) {
      tags = List.of(tags.get(0), pick(TAGS));
    }
    List<String> pools = random.nextInt(4) == 0 ? List.of(pick(POOLS)) : null;
    List<String> nodes = random.nextInt(5) == 0 ? List.of(pick(NODES), "pve9") : null;
    List<GuestType> types = random.nextInt(6) == 0 ? List.of(GuestType.QEMU) : null;
    List<NicId> nics = random.nextInt(4) == 0 ? List.of(NicId.parse("net0")) : null;
    SourceSelector exclude = null;
    if (withExclude && random.nextInt(3) == 0) {
      SourceSelector e = selector(false);
      exclude =
          new SourceSelector(
              e.vmids(),
              e.tags(),
              e.pools(),
              e.nodes(),
              e.types(),
              random.nextBoolean() ? List.of(NicId.parse("net1")) : null,
              null);
    }
    return new SourceSelector(vmids, tags, pools, nodes, types, nics, exclude);
  }

  private List<String> tags() {
    List<String> tags = new ArrayList<>();
    for (int t = random.nextInt(3); t > 0; t--) {
      tags.add(pick(TAGS));
    }
    return tags;
  }

  private String pool() {
    return random.nextInt(3) == 0 ? null : pick(POOLS);
  }

  private List<GuestNic> nics() {
    List<GuestNic> nics = new ArrayList<>();
    int count = random.nextInt(4);
    for (int n = 0; n < count; n++) {
      nics.add(
          nic(
              n == 2 && random.nextBoolean() ? 31 : n,
              random.nextInt(6) == 0 ? 9000 : null,
              random.nextInt(5) == 0 ? 10.0 : null));
    }
    return nics;
  }

  private static GuestNic nic(int n, Integer mtu) {
    return nic(n, mtu, null);
  }

  private static GuestNic nic(int n, Integer mtu, Double rate) {
    return new GuestNic(NicId.parse("net" + n), "vmbr0", null, false, rate, mtu, null);
  }

  private static Sensor collector(String name, String address, int vni) {
    return Sensor.of(
        name,
        new SensorSpec(null, new RemoteCollector(address, Encapsulation.VXLAN, Vni.of(vni), null)));
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
