package io.pvespan.controller.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.planner.MirrorPlanner;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The daemon's planner gives exactly MirrorPlanner.plan's answers, whatever plans it is given. */
class IncrementalPlanningTest {
  private static final SpecSet SPECS =
      new SpecSet(
          List.of(
              Sensor.of(
                  "ids-1", new SensorSpec(new SensorVm(VmId.of(200), NicId.parse("net1")), null))),
          List.of(
              MirrorSession.of(
                  "dmz",
                  new MirrorSessionSpec(
                      new SourceSelector(null, List.of("dmz"), null, null, null, null, null),
                      null,
                      "ids-1",
                      null,
                      null,
                      null))));

  @Test
  void equalsTheFullPlanForEveryCallSequence() {
    Inventory lab = lab();
    Inventory moved = moved(lab, 103, "pve3");
    IncrementalPlanning planner = new IncrementalPlanning();

    PlanResult first = planner.plan(SPECS, lab, Map.of());
    assertThat(first).isEqualTo(MirrorPlanner.plan(SPECS, lab, Map.of()));
    assertThat(first.plans()).isNotEmpty();

    // The controller's steady state: the plans it got back are passed in (the incremental path).
    Map<String, NodeMirrorPlan> inForce = byNode(first);
    PlanResult second = planner.plan(SPECS, moved, inForce);
    assertThat(second).isEqualTo(MirrorPlanner.plan(SPECS, moved, inForce));
    assertThat(second.plans()).extracting(NodeMirrorPlan::generation).contains(2L);

    // Plans the controller changed (a generation raised after a restart): a full plan again.
    Map<String, NodeMirrorPlan> adjusted = byNode(second);
    adjusted.put("pve1", adjusted.get("pve1").withGeneration(7));
    PlanResult third = planner.plan(SPECS, lab, adjusted);
    assertThat(third).isEqualTo(MirrorPlanner.plan(SPECS, lab, adjusted));
    assertThat(third.plans()).extracting(NodeMirrorPlan::generation).contains(7L);
  }

  private static Map<String, NodeMirrorPlan> byNode(PlanResult result) {
    Map<String, NodeMirrorPlan> plans = new TreeMap<>();
    result.plans().forEach(p -> plans.put(p.node(), p));
    return plans;
  }

  private static Inventory moved(Inventory inventory, int vmid, String node) {
    return new Inventory(
        inventory.nodes(),
        inventory.guests().stream()
            .map(
                g ->
                    g.vmid().value() != vmid
                        ? g
                        : new Guest(
                            g.vmid(),
                            g.type(),
                            node,
                            g.status(),
                            g.name(),
                            g.tags(),
                            g.pool(),
                            g.template(),
                            g.lock(),
                            g.nics()))
            .toList());
  }

  private static Inventory lab() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("test-fixtures/inventories/lab-3-nodes.json"))) {
      dir = dir.getParent();
    }
    return InventoryJson.read(dir.resolve("test-fixtures/inventories/lab-3-nodes.json"));
  }
}
