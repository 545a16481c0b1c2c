package io.pvespan.controller.pve;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How hard a poll leans on pveproxy: in-flight limit and the cluster/status cadence. */
class PveInventoryPolitenessTest {
  static final String TOKEN_TEXT = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final PveToken TOKEN = PveToken.parse(TOKEN_TEXT);
  static final StandInToken STANDIN_TOKEN = StandInToken.parse(TOKEN_TEXT);

  static Inventory cluster(int guests) {
    List<Guest> list = new ArrayList<>();
    for (int i = 0; i < guests; i++) {
      list.add(
          new Guest(
              VmId.of(100 + i),
              GuestType.QEMU,
              i % 2 == 0 ? "pve1" : "pve2",
              "running",
              null,
              List.of(),
              null,
              false,
              null,
              List.of(new GuestNic(new NicId(0), "vmbr0", null, false, null, null, null))));
    }
    return new Inventory(
        List.of(
            new InventoryNode("pve1", "198.18.0.1", true, 1500),
            new InventoryNode("pve2", "198.18.0.2", true, 1500)),
        list);
  }

  @Test
  void configsAreReadConcurrentlyButNeverMoreThanThreeAtATime() throws Exception {
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(cluster(24), STANDIN_TOKEN)
                .latency(Duration.ofMillis(40))
                .workers(16)
                .start();
        PveInventorySource source =
            PveInventorySource.open(PveConnection.of(standIn.url().toString(), TOKEN, null))) {
      assertThat(source.poll().inventory().guests()).hasSize(24);

      assertThat(standIn.totalRequests()).isEqualTo(26);
      assertThat(standIn.maxInFlight()).isBetween(2, PveClient.MAX_IN_FLIGHT);
    }
  }

  @Test
  void clusterStatusOnlyOnTheFirstPollAndEveryNth() throws Exception {
    try (ProxmoxStandIn standIn = ProxmoxStandIn.builder(cluster(2), STANDIN_TOKEN).start();
        PveClient client = new PveClient(PveConnection.of(standIn.url().toString(), TOKEN, null));
        PveInventorySource source = new PveInventorySource(client, 3)) {
      List<Integer> requests = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        requests.add(source.poll().requests());
      }

      // poll 1: resources + status + 2 configs; then status again on polls 4 and 7
      assertThat(requests).containsExactly(4, 1, 1, 2, 1, 1, 2);
      assertThat(standIn.requestCounts()).containsEntry("/cluster/status", 3L);
    }
  }

  @Test
  void rollingRefreshSeesAHotPluggedNicOnARunningGuest() throws Exception {
    Inventory before = cluster(3);
    try (ProxmoxStandIn standIn = ProxmoxStandIn.builder(before, STANDIN_TOKEN).start();
        PveInventorySource source =
            PveInventorySource.open(PveConnection.of(standIn.url().toString(), TOKEN, null))) {
      source.setRollingRefresh(1);
      source.poll();
      Guest g = before.guests().get(1);
      List<GuestNic> nics = new ArrayList<>(g.nics());
      nics.add(new GuestNic(new NicId(1), "vmbr1", null, false, null, null, null));
      List<Guest> guests = new ArrayList<>(before.guests());
      guests.set(
          1,
          new Guest(
              g.vmid(),
              g.type(),
              g.node(),
              g.status(),
              g.name(),
              g.tags(),
              g.pool(),
              g.template(),
              g.lock(),
              nics));
      standIn.setInventory(new Inventory(before.nodes(), guests));

      List<Integer> requests = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        requests.add(source.poll().requests());
      }

      assertThat(requests).containsExactly(2, 2, 2); // resources + one rolling config
      assertThat(source.poll().inventory().guests().get(1).nics()).hasSize(2);
    }
  }
}
