package io.pvespan.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stand-in serves the sample inventory; the lab builds its running guests. Both must agree, or
 * the demo and the E2E tests would mirror devices that do not exist (or miss ones that do).
 */
class LabInventoryTest {
  private static final Path HOME = Path.of("..");
  private final Inventory inventory = LabInventory.sample(HOME);
  private final LabTopology lab = LabTopology.threeNodes("psplt");

  @Test
  void nodesAreTheLabNodesWithTheUnderlayMtu() {
    assertThat(inventory.nodes())
        .extracting(InventoryNode::name, InventoryNode::address, InventoryNode::mtu)
        .containsExactlyElementsOf(
            lab.nodes().stream()
                .map(n -> org.assertj.core.groups.Tuple.tuple(n.name(), n.address(), 9000))
                .toList());
  }

  @Test
  void everyRunningGuestIsALabVmOnItsNodeWithItsNics() {
    List<Guest> running = inventory.guests().stream().filter(Guest::running).toList();
    assertThat(running)
        .extracting(g -> g.vmid().value())
        .containsExactlyInAnyOrderElementsOf(lab.vms().stream().map(LabVm::vmid).toList());
    for (Guest g : running) {
      LabVm vm = lab.vm(g.vmid().value());
      assertThat(vm.node()).as("node of " + g.vmid()).isEqualTo(g.node());
      assertThat(vm.type()).as("type of " + g.vmid()).isEqualTo(g.type());
      assertThat(vm.nics())
          .as("NICs of " + g.vmid())
          .extracting(LabNic::index)
          .containsExactlyElementsOf(g.nics().stream().map(n -> n.id().index()).toList());
      for (var nic : g.nics()) {
        assertThat(vm.nic(nic.id().index()).bridge())
            .as("bridge of " + g.vmid() + " " + nic.id())
            .isEqualTo(nic.bridge());
      }
    }
  }

  @Test
  void aMissingSampleIsOneClearLine() {
    assertThatThrownBy(() -> LabInventory.sample(Path.of("/nonexistent")))
        .isInstanceOf(LabException.class)
        .hasMessageContaining("lab-3-nodes.json");
  }
}
