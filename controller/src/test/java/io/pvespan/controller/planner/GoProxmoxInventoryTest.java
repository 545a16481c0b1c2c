package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inventory built from the go-proxmox captures: real node names, a template, net31. */
class GoProxmoxInventoryTest {
  static Inventory captured() {
    return InventoryJson.read(repoFile("test-fixtures/inventories/go-proxmox-fixtures.json"));
  }

  @Test
  void everythingSelectsOnlyTheNonTemplateNicsUpToNet31AllWaiting() {
    PlanResult result =
        plan(
            specs(List.of(collector()), session("all", sources().types().build(), "collector")),
            captured());
    // types: [] selects nothing; with no field at all every non-template guest is selected.
    assertThat(mirrorDevices(result)).isEmpty();

    PlanResult all =
        plan(
            specs(List.of(collector()), session("all", sources().build(), "collector")),
            captured());
    assertThat(all.errors()).isEmpty();
    assertThat(all.plans())
        .extracting(NodeMirrorPlan::node)
        .containsExactly("node1", "node2", "node3", "node4");
    // 101 is a template; 100 and 200 have no known NICs; 102 is stopped.
    assertThat(nodePlan(all, "node1").mirrors())
        .extracting(e -> e.device().value())
        .containsExactly("tap102i0", "tap102i15", "tap102i31");
    assertThat(nodePlan(all, "node1").mirrors())
        .extracting(MirrorEntry::state)
        .containsOnly(EntryState.WAITING);
    assertThat(nodePlan(all, "node1").tunnels())
        .singleElement()
        .satisfies(t -> assertThat(t.local()).isEqualTo("192.168.1.1"));
  }

  @Test
  void aTagWithAPlusIsOneTag() {
    PlanResult result =
        plan(
            specs(
                List.of(collector()),
                session(
                    "ci",
                    sources().tags("GO-PROXMOX+cloud-init").nics("net31").build(),
                    "collector")),
            captured());

    assertThat(mirrorDevices(result)).containsExactly("node1:tap102i31");
  }
}
