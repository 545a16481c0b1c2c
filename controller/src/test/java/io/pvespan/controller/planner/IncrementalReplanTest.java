package io.pvespan.controller.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MirrorPlanner#replan} equals a full {@link MirrorPlanner#plan} with the previous plans, on
 * random clusters and random chains of changes (migrations, stops, tag, pool and NIC changes,
 * guests added and removed, templates, unknown nodes, sensors moved, lock migrate on and off for
 * guests and sensors, nodes going offline and coming back): same plans, generations, digests,
 * warnings and errors. Also checks the re-plan really took the incremental path, so the equality is
 * not just the full plan compared with itself.
 */
class IncrementalReplanTest {
  private static final int SEEDS = 150;
  private static final int STEPS = 25;

  @Test
  void replanEqualsFullPlanOverRandomChangeChains() {
    int incremental = 0;
    int steps = 0;
    int withErrors = 0;
    int clashes = 0;
    int unknownNodes = 0;
    int roamingGuests = 0;
    int roamingSensors = 0;
    int nodeFlips = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      RandomCluster cluster = new RandomCluster(seed);
      SpecSet specs = cluster.specs();
      Inventory inventory = cluster.inventory(60);
      PlanContext context = MirrorPlanner.planContext(specs, inventory, Map.of());
      assertThat(context.result()).isEqualTo(MirrorPlanner.plan(specs, inventory, Map.of()));
      for (int step = 0; step < STEPS; step++) {
        Inventory next = cluster.chance(6) ? cluster.moveSensor(inventory) : inventory;
        // A node going offline or coming back changes which guests roam: a full plan.
        boolean nodeFlip = cluster.chance(25);
        if (nodeFlip) {
          next = cluster.toggleNode(next);
        }
        for (int c = cluster.chance(3) ? 1 + cluster.nextCount() : 1; c > 0; c--) {
          next = cluster.change(next);
        }
        if (cluster.chance(10)) {
          next = cluster.shuffled(next);
        }
        PlanResult full = MirrorPlanner.plan(specs, next, context.plans());
        PlanContext direct = IncrementalPlanner.replan(context, specs, next);
        PlanContext replanned = MirrorPlanner.replan(context, specs, next);
        String where = "seed " + seed + " step " + step;
        assertThat(replanned.result()).as(where).isEqualTo(full);
        assertThat(replanned.plans()).as(where).isEqualTo(byNode(full));
        if (nodeFlip) {
          assertThat(direct).as(where + ": a node flip plans everything").isNull();
        }
        if (direct != null) {
          incremental++;
          assertThat(direct.result()).as(where).isEqualTo(full);
        }
        withErrors += full.ok() ? 0 : 1;
        clashes += full.errors().stream().anyMatch(e -> e.contains("already planned as")) ? 1 : 0;
        unknownNodes +=
            full.warnings().stream().anyMatch(w -> w.contains("not in the inventory")) ? 1 : 0;
        roamingGuests +=
            full.warnings().stream().anyMatch(w -> w.contains("standby mirrors on")) ? 1 : 0;
        roamingSensors += full.warnings().stream().anyMatch(w -> w.contains("(standby)")) ? 1 : 0;
        nodeFlips += nodeFlip ? 1 : 0;
        steps++;
        context = replanned;
        inventory = next;
      }
    }
    // Nearly every step (no spec or node change, few guests changed) must be incremental.
    assertThat(incremental).isGreaterThan(steps * 9 / 10);
    assertThat(withErrors).as("the error paths (loops, clashes) are exercised").isPositive();
    assertThat(clashes).as("tunnel clashes are exercised").isPositive();
    assertThat(unknownNodes).as("guests on unknown nodes are exercised").isPositive();
    assertThat(roamingGuests).as("roaming guests are exercised").isGreaterThan(steps / 4);
    assertThat(roamingSensors).as("roaming sensors are exercised").isGreaterThan(steps / 20);
    assertThat(nodeFlips).as("nodes going offline and back are exercised").isPositive();
  }

  @Test
  void selectsOneGuestAtATimeAgreesWithTheIndexedSelection() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      RandomCluster cluster = new RandomCluster(seed);
      SpecSet specs = cluster.specs();
      Inventory inventory = cluster.inventory(60);
      InventoryIndex index = new InventoryIndex(inventory);
      List<Guest> sorted =
          inventory.guests().stream().sorted(Comparator.comparing(Guest::vmid)).toList();
      for (MirrorSession session : specs.sessions()) {
        SourceSelector sources = session.spec().sources();
        assertThat(SourceMatcher.select(sources, index))
            .as("seed " + seed + " " + sources)
            .containsExactlyElementsOf(
                sorted.stream().filter(g -> SourceMatcher.selects(sources, g)).toList());
      }
    }
  }

  @Test
  void unchangedNodesKeepTheirPlanObjectsAndChangedOnesGetTheNextGeneration() {
    RandomCluster cluster = new RandomCluster(7);
    SpecSet specs = cluster.specs();
    Inventory inventory = cluster.inventory(60);
    PlanContext context = MirrorPlanner.planContext(specs, inventory, Map.of());
    PlanContext same = MirrorPlanner.replan(context, specs, cluster.shuffled(inventory));
    assertThat(same.result()).isEqualTo(context.result());
    same.plans().forEach((node, plan) -> assertThat(plan).isSameAs(context.plans().get(node)));
  }

  @Test
  void otherSpecsOrNodesPlanEverything() {
    RandomCluster cluster = new RandomCluster(11);
    SpecSet specs = cluster.specs();
    Inventory inventory = cluster.inventory(60);
    PlanContext context = MirrorPlanner.planContext(specs, inventory, Map.of());
    SpecSet other = new RandomCluster(12).specs();
    assertThat(IncrementalPlanner.replan(context, other, inventory)).isNull();
    assertThat(MirrorPlanner.replan(context, other, inventory).result())
        .isEqualTo(MirrorPlanner.plan(other, inventory, context.plans()));
    Inventory fewerNodes = new Inventory(inventory.nodes().subList(0, 3), inventory.guests());
    assertThat(IncrementalPlanner.replan(context, specs, fewerNodes)).isNull();
    assertThat(MirrorPlanner.replan(context, specs, fewerNodes).result())
        .isEqualTo(MirrorPlanner.plan(specs, fewerNodes, context.plans()));
  }

  private static Map<String, NodeMirrorPlan> byNode(PlanResult result) {
    return MirrorPlannerStabilityTest.byNode(result);
  }
}
