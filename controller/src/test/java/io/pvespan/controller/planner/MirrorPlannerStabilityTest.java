package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.Vni;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanDigest;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Same input, same plan; a migration changes the two nodes involved and nothing else. */
class MirrorPlannerStabilityTest {
  static SpecSet twoSessions() {
    return labSpecs(
        session("dmz-web", sources().tags("dmz").build(), "ids-1"),
        session("db", sources().tags("db").build(), "ids-2"),
        session("to-soc", sources().pools("web").build(), "collector"));
  }

  static Map<String, NodeMirrorPlan> byNode(PlanResult result) {
    return result.plans().stream()
        .collect(Collectors.toMap(NodeMirrorPlan::node, Function.identity()));
  }

  static Map<String, Vni> vnisBySession(PlanResult result) {
    return result.plans().stream()
        .flatMap(p -> p.mirrors().stream())
        .filter(e -> e.target() instanceof io.pvespan.plan.TunnelTarget)
        .collect(
            Collectors.toMap(
                e -> e.session(),
                e -> ((io.pvespan.plan.TunnelTarget) e.target()).vni(),
                (a, b) -> a));
  }

  @Test
  void migrationChangesBothNodesAndNothingElse() {
    PlanResult before = MirrorPlanner.plan(twoSessions(), lab(), Map.of());
    Inventory moved = replace(lab(), 103, g -> movedTo(g, "pve3"));
    PlanResult after = MirrorPlanner.plan(twoSessions(), moved, byNode(before));

    Map<String, NodeMirrorPlan> was = byNode(before);
    Map<String, NodeMirrorPlan> now = byNode(after);
    // 103 leaves pve2 for pve3: both change; pve1 (sensor ids-1 still fed from elsewhere) not.
    assertThat(now.get("pve2").digest()).isNotEqualTo(was.get("pve2").digest());
    assertThat(now.get("pve3").digest()).isNotEqualTo(was.get("pve3").digest());
    assertThat(now.get("pve2").generation()).isEqualTo(2);
    assertThat(now.get("pve3").generation()).isEqualTo(2);
    assertThat(now.get("pve1")).isSameAs(was.get("pve1"));
    assertThat(now.get("pve1").generation()).isEqualTo(1);
    assertThat(now.get("pve3").mirrors())
        .anySatisfy(e -> assertThat(e.device().value()).isEqualTo("veth103i0"));
    assertThat(now.get("pve2").mirrors())
        .noneSatisfy(e -> assertThat(e.device().value()).isEqualTo("veth103i0"));
    assertThat(vnisBySession(after)).containsAllEntriesOf(vnisBySession(before));
  }

  @Test
  void generationIsKeptForSameContentBumpedForChangedAndOneForNew() {
    PlanResult first = MirrorPlanner.plan(twoSessions(), lab(), Map.of());
    assertThat(first.plans()).extracting(NodeMirrorPlan::generation).containsOnly(1L);
    assertThat(first.plans()).allSatisfy(p -> assertThat(PlanDigest.verify(p)).isTrue());

    Map<String, NodeMirrorPlan> previous = new java.util.HashMap<>(byNode(first));
    previous.put("pve2", previous.get("pve2").withGeneration(7));
    previous.remove("pve3");
    PlanResult again = MirrorPlanner.plan(twoSessions(), lab(), previous);
    assertThat(byNode(again).get("pve2").generation()).isEqualTo(7);
    assertThat(byNode(again).get("pve3").generation()).isEqualTo(1);

    // Pausing dmz-web empties pve1's local mirrors: pve1 changes, its generation goes up by one.
    SpecSet paused =
        labSpecs(
            session(
                "dmz-web",
                sources().tags("dmz").build(),
                "ids-1",
                io.pvespan.model.Direction.BOTH,
                Encapsulation.AUTO,
                true),
            session("db", sources().tags("db").build(), "ids-2"),
            session("to-soc", sources().pools("web").build(), "collector"));
    PlanResult third = MirrorPlanner.plan(paused, lab(), byNode(again));
    assertThat(byNode(third).get("pve1").generation()).isEqualTo(2);
    assertThat(vnisBySession(third).get("db")).isEqualTo(vnisBySession(again).get("db"));
  }

  @Test
  void everyNodeGetsAPlanEvenWithNothingForIt() {
    Inventory lab = lab();
    List<InventoryNode> nodes = new ArrayList<>(lab.nodes());
    nodes.add(node("pve4", "198.18.0.4"));
    PlanResult result = plan(SpecSet.empty(), new Inventory(nodes, lab.guests()));

    assertThat(result.plans())
        .extracting(NodeMirrorPlan::node)
        .containsExactly("pve1", "pve2", "pve3", "pve4");
    assertThat(result.plans())
        .allSatisfy(p -> assertThat(p).isEqualTo(NodeMirrorPlan.empty(p.node(), 1)));
  }

  @Test
  void shuffledInputsGiveIdenticalJson() {
    Random random = new Random(20261123L);
    SpecSet specs = twoSessions();
    Inventory lab = lab();
    String expected = PlanJson.write(MirrorPlanner.plan(specs, lab, Map.of()));
    assertThat(expected).contains("\"mirrors\":[{").contains("\"deliveries\":[{");

    for (int i = 0; i < 20; i++) {
      List<InventoryNode> nodes = new ArrayList<>(lab.nodes());
      List<Guest> guests = new ArrayList<>(lab.guests());
      List<Sensor> sensors = new ArrayList<>(specs.sensors());
      List<MirrorSession> sessions = new ArrayList<>(specs.sessions());
      Collections.shuffle(nodes, random);
      Collections.shuffle(guests, random);
      Collections.shuffle(sensors, random);
      Collections.shuffle(sessions, random);
      String json =
          PlanJson.write(
              MirrorPlanner.plan(
                  new SpecSet(sensors, sessions), new Inventory(nodes, guests), Map.of()));
      assertThat(json).as("shuffle %d", i).isEqualTo(expected);
    }
  }

  @Test
  void tunnelIdsDependOnTheSessionAndTheSensorNodeAndAvoidCollectorIds() {
    List<String> nodes = List.of("pve3", "pve1", "pve2");
    long dmz = TunnelIdAllocator.hashId("dmz-web@pve1");
    assertThat(dmz)
        .isBetween(1L, (long) Vni.MAX)
        .isEqualTo(TunnelIdAllocator.hashId("dmz-web@pve1"));
    assertThat(TunnelIdAllocator.hashId("dmz-web@pve2")).isNotEqualTo(dmz);
    assertThat(TunnelIdAllocator.hashId("db@pve1")).isNotEqualTo(dmz);

    // A collector whose vni is exactly dmz-web@pve1's hash pushes it to the next free id; the
    // session's ids for the other nodes stay their hashes.
    Sensor taken = remoteSensor("taken", "198.51.100.1", Encapsulation.VXLAN, (int) dmz, null);
    SpecSet specs =
        specs(
            List.of(ids1(), taken),
            session("dmz-web", sources().vmids(103).build(), "ids-1"),
            session("other", sources().vmids(104).build(), "taken"));
    Map<String, Map<String, Long>> ids = TunnelIdAllocator.allocate(specs, nodes);
    assertThat(ids).doesNotContainKey("other");
    assertThat(ids.get("dmz-web"))
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of(
                    "pve1", dmz % Vni.MAX + 1,
                    "pve2", TunnelIdAllocator.hashId("dmz-web@pve2"),
                    "pve3", TunnelIdAllocator.hashId("dmz-web@pve3"))));

    // s3957@pve2 and s4495@pve1 hash alike (5605166): walked by session then node, the first
    // keeps it and the next moves on; nothing else moves.
    assertThat(TunnelIdAllocator.hashId("s3957@pve2")).isEqualTo(5605166L);
    assertThat(TunnelIdAllocator.hashId("s4495@pve1")).isEqualTo(5605166L);
    SpecSet twins =
        specs(
            List.of(ids1()),
            session("s4495", sources().vmids(103).build(), "ids-1"),
            session("s3957", sources().vmids(103).build(), "ids-1"));
    Map<String, Map<String, Long>> twinIds = TunnelIdAllocator.allocate(twins, nodes);
    assertThat(twinIds.get("s3957")).containsEntry("pve2", 5605166L);
    assertThat(twinIds.get("s4495"))
        .containsEntry("pve1", 5605167L)
        .containsEntry("pve2", TunnelIdAllocator.hashId("s4495@pve2"));
  }

  @Test
  void receiveTunnelOfAnotherSessionIsUntouchedWhenOneSessionChanges() {
    PlanResult before = plan(twoSessions(), lab());
    SpecSet more =
        labSpecs(
            session("dmz-web", sources().tags("dmz").build(), "ids-1"),
            session("db", sources().tags("db").build(), "ids-2"),
            session("to-soc", sources().pools("web").build(), "collector"),
            session("aaa-new", sources().vmids(101).build(), "ids-2"));
    PlanResult after = plan(more, lab());

    List<TunnelDevice> was = nodePlan(before, "pve3").tunnels();
    assertThat(nodePlan(after, "pve3").tunnels()).containsAll(was);
  }

  @Test
  void unchangedContentIsRecognisedWhateverTheDeviceNameOrder() {
    // Device names sort as strings: tap10000i0 < tap1000i0 < tap100i10 < tap100i2 < veth...
    List<InventoryNode> nodes = List.of(node("n1", "198.18.0.1"), node("n2", "198.18.0.2"));
    List<Guest> guests = new ArrayList<>();
    String[] nics = {"net0", "net2", "net10", "net31", "net1"};
    for (int vmid : new int[] {100, 999, 1000, 10000, 10001, 1001}) {
      io.pvespan.model.GuestType type =
          vmid % 2 == 0 ? io.pvespan.model.GuestType.QEMU : io.pvespan.model.GuestType.LXC;
      guests.add(withTags(guest(vmid, type, "n1", "running", nics), "a", "b"));
    }
    guests.add(guest(500, io.pvespan.model.GuestType.QEMU, "n2", "running", "net0", "net1"));
    Inventory inventory = new Inventory(nodes, guests);
    SpecSet specs =
        specs(
            List.of(vmSensor("ids", 500, "net1")),
            // Overlapping sessions that keep every entry (duplicates allowed).
            allowing(session("by-a", sources().tags("a").build(), "ids")),
            allowing(session("by-b", sources().tags("b").nics("net10", "net2").build(), "ids")),
            allowing(
                session(
                    "ingress",
                    sources().vmids(1000, 100).build(),
                    "ids",
                    io.pvespan.model.Direction.INGRESS,
                    Encapsulation.AUTO,
                    false)));

    PlanResult first = MirrorPlanner.plan(specs, inventory, Map.of());
    PlanResult again = MirrorPlanner.plan(specs, inventory, byNode(first));

    assertThat(nodePlan(first, "n1").mirrors()).hasSize(6 * 5 + 6 * 2 + 2 * 5);
    for (NodeMirrorPlan p : again.plans()) {
      assertThat(p).isSameAs(byNode(first).get(p.node()));
    }
    // A plan read back from JSON (new instances everywhere) is recognised too.
    Map<String, NodeMirrorPlan> reread = new java.util.HashMap<>();
    for (NodeMirrorPlan p : first.plans()) {
      reread.put(p.node(), readBack(p));
    }
    assertThat(MirrorPlanner.plan(specs, inventory, reread).plans())
        .allSatisfy(p -> assertThat(p.generation()).isEqualTo(1));
  }

  private static NodeMirrorPlan readBack(NodeMirrorPlan plan) {
    try {
      return PlanJson.MAPPER.readValue(PlanJson.write(plan), NodeMirrorPlan.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
