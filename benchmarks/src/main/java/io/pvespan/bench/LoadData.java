package io.pvespan.bench;

import io.pvespan.controller.planning.Planner;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Generated cluster and specs for {@link ControllerLoadBench}. */
final class LoadData {
  private static final int SESSIONS = 20;

  private LoadData() {}

  /** Guest i (vmid 1000+i) on node (i % nodes)+1, two NICs, tagged by tenth. */
  static Inventory inventory(int nodes, int guests) {
    return migrated(nodes, guests, -1);
  }

  /** The same cluster with guest {@code moved} (if >= 0) on the next node. */
  static Inventory migrated(int nodes, int guests, int moved) {
    List<InventoryNode> ns = new ArrayList<>();
    for (int n = 1; n <= nodes; n++) {
      ns.add(new InventoryNode("pve" + n, "198.18.0." + n, true, null));
    }
    List<Guest> gs = new ArrayList<>(guests);
    for (int i = 0; i < guests; i++) {
      int node = (i + (i == moved ? 1 : 0)) % nodes + 1;
      gs.add(
          new Guest(
              new VmId(1000 + i),
              i % 5 == 0 ? GuestType.LXC : GuestType.QEMU,
              "pve" + node,
              i % 7 == 0 ? "stopped" : "running",
              "guest-" + i,
              List.of("tenant-" + (i % 10), i % 3 == 0 ? "span-dmz" : "web"),
              "pool-" + (i % 4),
              false,
              null,
              List.of(
                  new GuestNic(new NicId(0), "vmbr0", "BC:24:11:00:00:01", true, null, null, 10),
                  new GuestNic(
                      new NicId(1), "vmbr1", "BC:24:11:00:00:02", false, 100.0, 9000, null))));
    }
    // The sensor guest of specs(): the planner refuses a sensor that is not in the inventory.
    gs.add(
        new Guest(
            new VmId(999),
            GuestType.QEMU,
            "pve1",
            "running",
            "ids",
            List.of(),
            null,
            false,
            null,
            List.of(
                new GuestNic(
                    new NicId(0), "vmbr9", "BC:24:11:00:09:99", false, null, 9000, null))));
    return new Inventory(ns, gs);
  }

  /** {@value #SESSIONS} sessions, each selecting 1 guest in 10 of its slice (10% in all). */
  static SpecSet specs(int guests) {
    Sensor ids = Sensor.of("ids", new SensorSpec(new SensorVm(new VmId(999), new NicId(0)), null));
    List<MirrorSession> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      List<VmId> ids2 = new ArrayList<>();
      for (int i = s; i < guests; i += SESSIONS * 10) {
        ids2.add(new VmId(1000 + i));
      }
      sessions.add(
          MirrorSession.of(
              "session-" + s,
              new MirrorSessionSpec(
                  new SourceSelector(ids2, null, null, null, null, null, null),
                  Direction.BOTH,
                  "ids",
                  null,
                  null,
                  null)));
    }
    return new SpecSet(List.of(ids), sessions);
  }

  /** The real planner when it is implemented, else a stand-in of the same output size. */
  static Planner planner() {
    try {
      Planner.PRODUCTION.plan(SpecSet.empty(), new Inventory(List.of(), List.of()), Map.of());
      return Planner.PRODUCTION;
    } catch (UnsupportedOperationException e) {
      return LoadData::standInPlan;
    }
  }

  static String plannerName(Planner p) {
    return p == Planner.PRODUCTION ? "MirrorPlanner" : "stand-in (MirrorPlanner not implemented)";
  }

  /** Every NIC of every running selected guest mirrored to a local device: sizes, not logic. */
  private static PlanResult standInPlan(
      SpecSet specs, Inventory inv, Map<String, NodeMirrorPlan> previous) {
    Map<VmId, List<String>> sessionsOf = new HashMap<>();
    for (MirrorSession s : specs.sessions()) {
      for (VmId v : s.spec().sources().vmids()) {
        sessionsOf.computeIfAbsent(v, k -> new ArrayList<>()).add(s.name());
      }
    }
    Map<String, List<MirrorEntry>> byNode = new HashMap<>();
    inv.nodes().forEach(n -> byNode.put(n.name(), new ArrayList<>()));
    for (Guest g : inv.guests()) {
      for (String session : sessionsOf.getOrDefault(g.vmid(), List.of())) {
        for (GuestNic nic : g.nics()) {
          byNode
              .get(g.node())
              .add(
                  new MirrorEntry(
                      session,
                      g.vmid(),
                      nic.id(),
                      g.device(nic.id()),
                      Direction.BOTH,
                      g.running() ? EntryState.ACTIVE : EntryState.WAITING,
                      new LocalTarget(InterfaceName.of("tap999i0")),
                      null));
        }
      }
    }
    List<NodeMirrorPlan> plans = new ArrayList<>();
    byNode.forEach(
        (node, mirrors) -> {
          NodeMirrorPlan p = NodeMirrorPlan.of(node, 1, mirrors, List.of(), List.of());
          NodeMirrorPlan prev = previous.get(node);
          if (prev != null) {
            p =
                p.withGeneration(
                    prev.digest().equals(p.digest()) ? prev.generation() : prev.generation() + 1);
          }
          plans.add(p);
        });
    return new PlanResult(plans, List.of(), List.of());
  }
}
