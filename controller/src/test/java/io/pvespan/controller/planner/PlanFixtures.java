package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds specs and inventories for planner tests from the records, no files but the lab's. */
final class PlanFixtures {
  private PlanFixtures() {}

  /** {@code test-fixtures/} of the repository, found from the module's working directory. */
  static Path repoFile(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** The lab of the examples: pve1..pve3, guests 101..105, sensors 200 and 201. */
  static Inventory lab() {
    return InventoryJson.read(repoFile("test-fixtures/inventories/lab-3-nodes.json"));
  }

  static Sensor ids1() {
    return vmSensor("ids-1", 200, "net1");
  }

  static Sensor ids2() {
    return vmSensor("ids-2", 201, "net1");
  }

  static Sensor collector() {
    return remoteSensor("collector", "198.51.100.7", Encapsulation.VXLAN, 4242, null);
  }

  static Sensor vmSensor(String name, int vmid, String nic) {
    return Sensor.of(name, new SensorSpec(new SensorVm(VmId.of(vmid), NicId.parse(nic)), null));
  }

  static Sensor remoteSensor(
      String name, String address, Encapsulation encapsulation, Integer vni, Long key) {
    return Sensor.of(
        name,
        new SensorSpec(
            null,
            new RemoteCollector(address, encapsulation, vni == null ? null : Vni.of(vni), key)));
  }

  static MirrorSession session(String name, SourceSelector sources, String sensorRef) {
    return session(name, sources, sensorRef, Direction.BOTH, Encapsulation.AUTO, false);
  }

  static MirrorSession session(
      String name,
      SourceSelector sources,
      String sensorRef,
      Direction direction,
      Encapsulation encapsulation,
      boolean paused) {
    return MirrorSession.of(
        name, new MirrorSessionSpec(sources, direction, sensorRef, encapsulation, null, paused));
  }

  /** {@code s} with {@code duplicates: allow} (copies everything it selects, as before). */
  static MirrorSession allowing(MirrorSession s) {
    MirrorSessionSpec p = s.spec();
    return MirrorSession.of(
        s.name(),
        new MirrorSessionSpec(
            p.sources(),
            p.direction(),
            p.sensorRef(),
            p.encapsulation(),
            p.filter(),
            p.sample(),
            p.paused(),
            MirrorSessionSpec.Duplicates.ALLOW,
            p.priority()));
  }

  static SpecSet specs(List<Sensor> sensors, MirrorSession... sessions) {
    return new SpecSet(sensors, List.of(sessions));
  }

  static SpecSet labSpecs(MirrorSession... sessions) {
    return specs(List.of(ids1(), ids2(), collector()), sessions);
  }

  static Selector sources() {
    return new Selector();
  }

  /** A mutable builder for the immutable {@link SourceSelector}. */
  static final class Selector {
    List<VmId> vmids;
    List<String> tags;
    List<String> pools;
    List<String> nodes;
    List<GuestType> types;
    List<NicId> nics;
    SourceSelector exclude;

    Selector vmids(int... ids) {
      vmids = Arrays.stream(ids).mapToObj(VmId::of).toList();
      return this;
    }

    Selector tags(String... t) {
      tags = List.of(t);
      return this;
    }

    Selector pools(String... p) {
      pools = List.of(p);
      return this;
    }

    Selector nodes(String... n) {
      nodes = List.of(n);
      return this;
    }

    Selector types(GuestType... t) {
      types = List.of(t);
      return this;
    }

    Selector nics(String... n) {
      nics = Arrays.stream(n).map(NicId::parse).toList();
      return this;
    }

    Selector exclude(Selector e) {
      exclude = e.build();
      return this;
    }

    SourceSelector build() {
      return new SourceSelector(vmids, tags, pools, nodes, types, nics, exclude);
    }
  }

  static InventoryNode node(String name, String address) {
    return new InventoryNode(name, address, true, 1500);
  }

  static GuestNic nic(String id) {
    return new GuestNic(NicId.parse(id), "vmbr0", null, false, null, null, null);
  }

  static Guest guest(int vmid, GuestType type, String node, String status, String... nics) {
    return new Guest(
        VmId.of(vmid),
        type,
        node,
        status,
        null,
        List.of(),
        null,
        false,
        null,
        Arrays.stream(nics).map(PlanFixtures::nic).toList());
  }

  static Guest withTags(Guest g, String... tags) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        g.status(),
        g.name(),
        List.of(tags),
        g.pool(),
        g.template(),
        g.lock(),
        g.nics());
  }

  static Guest movedTo(Guest g, String node) {
    return new Guest(
        g.vmid(),
        g.type(),
        node,
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        g.nics());
  }

  static Guest withStatus(Guest g, String status) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        status,
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        g.nics());
  }

  static Guest withLock(Guest g, String lock) {
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

  /** {@code inventory} with node {@code name} offline. */
  static Inventory offline(Inventory inventory, String name) {
    return new Inventory(
        inventory.nodes().stream()
            .map(
                n ->
                    n.name().equals(name)
                        ? new InventoryNode(n.name(), n.address(), false, n.mtu())
                        : n)
            .toList(),
        inventory.guests());
  }

  /** {@code inventory} with {@code guest} added. */
  static Inventory with(Inventory inventory, Guest guest) {
    List<Guest> guests = new ArrayList<>(inventory.guests());
    guests.add(guest);
    return new Inventory(inventory.nodes(), guests);
  }

  /** {@code inventory} with guest {@code vmid} replaced by {@code change(guest)}. */
  static Inventory replace(
      Inventory inventory, int vmid, java.util.function.UnaryOperator<Guest> change) {
    List<Guest> guests = new ArrayList<>();
    for (Guest g : inventory.guests()) {
      guests.add(g.vmid().value() == vmid ? change.apply(g) : g);
    }
    return new Inventory(inventory.nodes(), guests);
  }

  static PlanResult plan(SpecSet specs, Inventory inventory) {
    return MirrorPlanner.plan(specs, inventory, Map.of());
  }

  static NodeMirrorPlan nodePlan(PlanResult result, String node) {
    return result.plans().stream()
        .filter(p -> p.node().equals(node))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no plan for " + node));
  }

  /** Every mirror of every node, as {@code node:interface} strings, sorted. */
  static List<String> mirrorDevices(PlanResult result) {
    List<String> out = new ArrayList<>();
    for (NodeMirrorPlan p : result.plans()) {
      for (MirrorEntry e : p.mirrors()) {
        out.add(p.node() + ":" + e.device());
      }
    }
    return out.stream().sorted().toList();
  }
}
