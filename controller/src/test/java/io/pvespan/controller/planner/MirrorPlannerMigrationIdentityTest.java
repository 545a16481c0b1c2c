package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.VmId;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A migration, planned before, during ({@code lock: migrate} or an offline node) and after (the
 * guest settled on its new node), must never re-point a tunnel or a delivery that carries copies:
 * the lock only adds (standby targets, tunnels and deliveries), and the unlock only removes. In
 * particular every tunnel that carries a session's copies towards the sensor's new node during the
 * lock is, after the unlock, the very same device (name, VNI/key, local, remote, MTU), and so is
 * the RECEIVE tunnel and delivery there: the agents then have nothing to converge while copies
 * flow.
 *
 * <p>The lab (see {@link PlanFixtures#lab()}) plus 106 on pve3, so that sources run on every node:
 * 101 and 102 on pve1, 103 on pve2, 106 on pve3; sensor 200 ({@code ids-1}) on pve1, 201 ({@code
 * ids-2}) on pve3.
 */
class MirrorPlannerMigrationIdentityTest {

  /** A migration: the inventory during it and once settled. */
  record Migration(UnaryOperator<Inventory> during, UnaryOperator<Inventory> after) {
    static Migration live(int vmid, String to) {
      return new Migration(
          inv -> replace(inv, vmid, g -> withLock(g, Roaming.MIGRATE_LOCK)),
          inv -> replace(inv, vmid, g -> movedTo(g, to)));
    }

    /**
     * HA: the guest's node goes offline, then the guest runs on {@code to} (its node still down).
     */
    static Migration recovered(int vmid, String from, String to) {
      return new Migration(
          inv -> offline(inv, from), inv -> offline(replace(inv, vmid, g -> movedTo(g, to)), from));
    }

    /** Several guests moving at once. */
    static Migration both(Migration a, Migration b) {
      return new Migration(
          inv -> b.during().apply(a.during().apply(inv)),
          inv -> b.after().apply(a.after().apply(inv)));
    }
  }

  static Inventory cluster() {
    return with(lab(), guest(106, GuestType.QEMU, "pve3", "running", "net0"));
  }

  static SpecSet specs(Encapsulation encapsulation) {
    return labSpecs(
        session(
            "local-web",
            sources().vmids(101, 103, 106).build(),
            "ids-1",
            Direction.BOTH,
            encapsulation,
            false),
        session(
            "third",
            sources().vmids(102, 106).build(),
            "ids-1",
            Direction.INGRESS,
            encapsulation,
            false),
        session("db", sources().vmids(101, 103).build(), "ids-2"),
        session("to-soc", sources().vmids(103).build(), "collector"));
  }

  static Stream<Arguments> migrations() {
    return Stream.of(
        Arguments.of("sensor 200 pve1 -> pve2", Encapsulation.AUTO, Migration.live(200, "pve2")),
        Arguments.of("sensor 200 pve1 -> pve3", Encapsulation.AUTO, Migration.live(200, "pve3")),
        Arguments.of(
            "sensor 200 pve1 -> pve2, gretap", Encapsulation.GRETAP, Migration.live(200, "pve2")),
        Arguments.of("sensor 201 pve3 -> pve1", Encapsulation.AUTO, Migration.live(201, "pve1")),
        Arguments.of(
            "sensor 200 on offline pve1, HA to pve3",
            Encapsulation.AUTO,
            Migration.recovered(200, "pve1", "pve3")),
        Arguments.of("source 103 pve2 -> pve3", Encapsulation.AUTO, Migration.live(103, "pve3")),
        Arguments.of(
            "source 101 pve1 -> pve2 (leaves the sensor)",
            Encapsulation.AUTO,
            Migration.live(101, "pve2")),
        Arguments.of(
            "source 103 pve2 -> pve1 (joins the sensor)",
            Encapsulation.AUTO,
            Migration.live(103, "pve1")),
        Arguments.of(
            "source 103 on offline pve2, HA to pve3",
            Encapsulation.AUTO,
            Migration.recovered(103, "pve2", "pve3")),
        Arguments.of(
            "sensor 200 -> pve2 while source 106 pve3 -> pve1",
            Encapsulation.AUTO,
            Migration.both(Migration.live(200, "pve2"), Migration.live(106, "pve1"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("migrations")
  void theLockOnlyAddsAndTheUnlockOnlyRemoves(
      String name, Encapsulation encapsulation, Migration migration) {
    SpecSet specs = specs(encapsulation);
    Inventory beforeInventory = cluster();
    Inventory duringInventory = migration.during().apply(beforeInventory);
    Inventory afterInventory = migration.after().apply(beforeInventory);
    PlanResult before = plan(specs, beforeInventory);
    PlanResult during = plan(specs, duringInventory);
    PlanResult after = plan(specs, afterInventory);
    assertThat(before.errors()).isEmpty();
    assertThat(during.errors()).isEmpty();
    assertThat(after.errors()).isEmpty();

    // Something is really on standby during the move, and it is what the settled plan uses.
    assertThat(standbyCount(during)).as("standby entries during the move").isPositive();
    carriedCopiesKeepTheirTunnels(during, after, afterInventory);
    onlyRemoves(during, after, "unlock");
    onlyRemoves(before, during, "lock");
    collectorsKeepTheirIds(before, during, after);

    // The incremental re-plan the controller runs gives the full plan at every step.
    PlanContext context = MirrorPlanner.planContext(specs, beforeInventory, Map.of());
    for (Inventory next : List.of(duringInventory, afterInventory)) {
      PlanResult full = MirrorPlanner.plan(specs, next, context.plans());
      context = MirrorPlanner.replan(context, specs, next);
      assertThat(context.result()).as("replan").isEqualTo(full);
    }
  }

  /**
   * Every target that carries copies towards a sensor's settled node during the move (a SEND tunnel
   * to that node, or the sensor's device on it) is, for the same entry after the move, exactly the
   * target; the tunnels behind it are equal, and so are the RECEIVE tunnels and deliveries on the
   * sensor's node.
   */
  private static void carriedCopiesKeepTheirTunnels(
      PlanResult during, PlanResult after, Inventory afterInventory) {
    Map<String, String> addressOf = new HashMap<>();
    for (InventoryNode n : afterInventory.nodes()) {
      addressOf.put(n.name(), n.address());
    }
    int checked = 0;
    for (NodeMirrorPlan then : during.plans()) {
      NodeMirrorPlan now = nodePlan(after, then.node());
      for (MirrorEntry e : then.mirrors()) {
        MirrorEntry settled = find(now, e);
        if (settled == null) {
          continue; // the source left this node
        }
        String sensorNode = sensorNode(afterInventory, settled);
        if (sensorNode == null) {
          continue; // a collector: no sensor node
        }
        for (MirrorTarget t : targets(e)) {
          boolean carries =
              t instanceof TunnelTarget tt
                  ? tt.remote().equals(addressOf.get(sensorNode))
                  : then.node().equals(sensorNode);
          if (!carries) {
            continue;
          }
          checked++;
          assertThat(settled.target())
              .as(then.node() + " " + e.session() + " " + e.device())
              .isEqualTo(t);
          if (t instanceof TunnelTarget tt) {
            assertThat(tunnel(now, tt.device()))
                .as("tunnel %s on %s after the move", tt.device(), then.node())
                .isEqualTo(tunnel(then, tt.device()));
          } else {
            assertThat(t).isInstanceOf(LocalTarget.class);
          }
        }
      }
      for (Delivery d : now.deliveries()) {
        assertThat(then.deliveries())
            .as("delivery %s on %s existed during the move", d, then.node())
            .anySatisfy(
                was -> {
                  assertThat(was.session()).isEqualTo(d.session());
                  assertThat(was.from()).isEqualTo(d.from());
                  assertThat(was.device()).isEqualTo(d.device());
                });
        assertThat(tunnel(now, d.from())).isEqualTo(tunnel(then, d.from()));
      }
    }
    assertThat(checked).as("targets carrying copies to the settled sensor node").isPositive();
  }

  /**
   * From {@code from} to {@code to} nothing is re-pointed: a tunnel under the same name on the same
   * node is equal; the lock keeps every entry, target, tunnel and delivery and adds standbys (new
   * targets, entries, tunnels); the unlock adds no entry, target or tunnel.
   */
  private static void onlyRemoves(PlanResult from, PlanResult to, String step) {
    for (NodeMirrorPlan next : to.plans()) {
      NodeMirrorPlan prev = nodePlan(from, next.node());
      for (TunnelDevice t : next.tunnels()) {
        TunnelDevice was = tunnel(prev, t.device());
        if (was != null) {
          assertThat(t)
              .as("%s: tunnel %s on %s re-pointed", step, t.device(), next.node())
              .isEqualTo(was);
        }
      }
      for (MirrorEntry e : next.mirrors()) {
        MirrorEntry was = find(prev, e);
        if (was == null) {
          assertThat(step)
              .as("%s: %s on %s is new", step, e.device(), next.node())
              .isEqualTo("lock");
          continue;
        }
        List<MirrorTarget> earlier = targets(was);
        for (MirrorTarget t : targets(e)) {
          if (earlier.contains(t)) {
            continue;
          }
          // A target the entry did not have: only when the lock adds standbys.
          assertThat(step)
              .as("%s: %s on %s gained %s", step, e.device(), next.node(), t)
              .isEqualTo("lock");
          assertThat(e.standbyTargets()).contains(t);
        }
      }
    }
    if (step.equals("unlock")) {
      for (NodeMirrorPlan next : to.plans()) {
        NodeMirrorPlan prev = nodePlan(from, next.node());
        assertThat(prev.tunnels())
            .as("unlock adds no tunnel on %s", next.node())
            .containsAll(next.tunnels());
      }
    } else {
      for (NodeMirrorPlan prev : from.plans()) {
        NodeMirrorPlan next = nodePlan(to, prev.node());
        assertThat(next.tunnels())
            .as("lock removes no tunnel on %s", prev.node())
            .containsAll(prev.tunnels());
        for (MirrorEntry e : prev.mirrors()) {
          assertThat(find(next, e)).as("lock keeps %s on %s", e.device(), prev.node()).isNotNull();
          assertThat(find(next, e).target()).isEqualTo(e.target());
        }
        assertThat(next.deliveries())
            .as("lock keeps the deliveries on %s", prev.node())
            .containsAll(prev.deliveries());
      }
    }
  }

  private static void collectorsKeepTheirIds(PlanResult... results) {
    for (PlanResult r : results) {
      for (NodeMirrorPlan p : r.plans()) {
        for (TunnelDevice t : p.tunnels()) {
          if ("198.51.100.7".equals(t.remote())) {
            assertThat(t.vni().value()).isEqualTo(4242);
          }
        }
      }
    }
  }

  /** The sensor VM each session of {@link #specs} feeds; none for the collector's. */
  private static final Map<String, Integer> SENSOR_VM =
      Map.of("local-web", 200, "third", 200, "db", 201);

  private static String sensorNode(Inventory inventory, MirrorEntry e) {
    Integer vmid = SENSOR_VM.get(e.session());
    if (vmid == null) {
      return null;
    }
    return inventory.guests().stream()
        .filter(g -> g.vmid().equals(VmId.of(vmid)))
        .map(Guest::node)
        .findFirst()
        .orElseThrow();
  }

  private static List<MirrorTarget> targets(MirrorEntry e) {
    List<MirrorTarget> all = new ArrayList<>();
    all.add(e.target());
    all.addAll(e.standbyTargets());
    return all;
  }

  private static MirrorEntry find(NodeMirrorPlan plan, MirrorEntry like) {
    for (MirrorEntry e : plan.mirrors()) {
      if (e.session().equals(like.session())
          && e.device().equals(like.device())
          && e.direction() == like.direction()) {
        return e;
      }
    }
    return null;
  }

  private static TunnelDevice tunnel(NodeMirrorPlan plan, InterfaceName device) {
    for (TunnelDevice t : plan.tunnels()) {
      if (t.device().equals(device)) {
        return t;
      }
    }
    return null;
  }

  /** Standby targets (a roaming sensor) and waiting entries (a roaming source's standbys). */
  private static long standbyCount(PlanResult result) {
    long n = 0;
    for (NodeMirrorPlan p : result.plans()) {
      for (MirrorEntry e : p.mirrors()) {
        n += e.standbyTargets().size() + (e.state() == EntryState.WAITING ? 1 : 0);
      }
    }
    return n;
  }
}
