package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static io.pvespan.controller.Fakes.nic;
import static io.pvespan.controller.Fakes.withNics;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.GuestDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Guest devices the agents report, against the inventory: a NIC or a guest the controller did not
 * expect is read again at once (one config, or one poll), and nothing else is.
 */
class ControllerDeviceRefreshIT {

  static GuestDevice dev(String name, int ifindex) {
    return new GuestDevice(InterfaceName.of(name), ifindex);
  }

  /** The controller's inventory and the agents' state after one poll and one status round. */
  static Harness started(Guest... guests) throws Exception {
    Harness h = new Harness(guests);
    h.pollAndSettle();
    h.controller.collectStatus();
    h.io.awaitIdle();
    return h;
  }

  static void statusRound(Harness h) throws InterruptedException {
    h.controller.collectStatus();
    h.io.awaitIdle();
  }

  static List<NicId> mirroredNics(NodeMirrorPlan p, int vmid) {
    return p.mirrors().stream()
        .filter(m -> m.vmid().equals(new VmId(vmid)))
        .map(MirrorEntry::nic)
        .toList();
  }

  @Test
  void aNicHotPluggedIntoARunningSelectedGuestIsReadAloneAndPlanned() throws Exception {
    Guest vm101 = guest(101, "pve1", "running");
    try (Harness h = started(vm101, guest(102, "pve2", "running"))) {
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10));
      statusRound(h);
      assertThat(h.inventory.configReads).isEmpty();

      // Proxmox hot-plugs net1: /cluster/resources does not change, the config does
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES,
              withNics(vm101, List.of(nic(0), nic(1))),
              guest(102, "pve2", "running"));
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10), dev("tap101i1", 11));
      statusRound(h);

      assertThat(h.inventory.configReads).containsExactly(new VmId(101));
      assertThat(h.inventory.polls.get()).isEqualTo(1);
      List<NodeMirrorPlan> puts = h.agent("pve1").puts;
      assertThat(puts).hasSize(2);
      assertThat(mirroredNics(puts.get(1), 101)).containsExactly(new NicId(0), new NicId(1));
      assertThat(h.agent("pve2").generationsPut()).containsExactly(1L);

      // the same devices again: nothing more is read
      statusRound(h);
      statusRound(h);
      assertThat(h.inventory.configReads).hasSize(1);
      assertThat(h.inventory.polls.get()).isEqualTo(1);
    }
  }

  @Test
  void aDevicePluggedAgainIsReadOnceAndItsNewConfigAdopted() throws Exception {
    Guest vm101 = guest(101, "pve1", "running");
    try (Harness h = started(vm101)) {
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10));
      statusRound(h);

      // a live edit of the tag: Proxmox unplugs and plugs the tap (a new ifindex)
      GuestNic tagged = new GuestNic(new NicId(0), "vmbr0", null, false, null, null, 20);
      h.inventory.inventory = Fakes.inventory(Harness.NODES, withNics(vm101, List.of(tagged)));
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 14));
      statusRound(h);
      statusRound(h);

      assertThat(h.inventory.configReads).containsExactly(new VmId(101));
      assertThat(h.inventory.polls.get()).isEqualTo(1);
      assertThat(h.controller.snapshot().inventory().guests().get(0).nics())
          .containsExactly(tagged);
    }
  }

  @Test
  void aDeviceMissingFromOneReportThatReturnsWithANewIfindexCountsAsPluggedAgain()
      throws Exception {
    try (Harness h = started(guest(101, "pve1", "running"))) {
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10));
      statusRound(h);
      h.agent("pve1").guestDevices = List.of(); // between Proxmox's unplug and plug
      statusRound(h);
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 15));
      statusRound(h);

      assertThat(h.inventory.configReads).containsExactly(new VmId(101));
    }
  }

  @Test
  void aGuestStartedOnAnotherNodeMakesOneImmediatePoll() throws Exception {
    Guest vm103 = guest(103, "pve3", "stopped");
    try (Harness h = started(guest(101, "pve1", "running"), vm103)) {
      // HA starts 103 on pve2; the agent there sees its tap before the next poll is due
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES, guest(101, "pve1", "running"), guest(103, "pve2", "running"));
      h.agent("pve2").guestDevices = List.of(dev("tap103i0", 30));
      statusRound(h);

      assertThat(h.inventory.polls.get()).isEqualTo(2);
      assertThat(h.inventory.configReads).isEmpty();
      NodeMirrorPlan pve2 = h.agent("pve2").puts.get(h.agent("pve2").puts.size() - 1);
      assertThat(mirroredNics(pve2, 103)).containsExactly(new NicId(0));
    }
  }

  @Test
  void severalAgentsReportingAtOnceMakeOnePollAndAtMostOneAfterASecond() throws Exception {
    try (Harness h =
        started(
            guest(101, "pve1", "running"),
            guest(102, "pve1", "stopped"),
            guest(103, "pve1", "stopped"))) {
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10), dev("tap102i0", 11));
      h.agent("pve2").guestDevices = List.of(dev("tap101i0", 20)); // live migration target
      h.agent("pve3").guestDevices = List.of(dev("tap103i0", 30));
      statusRound(h);
      assertThat(h.inventory.polls.get()).isEqualTo(2);

      // the clock has not moved: whatever was asked for meanwhile waits for its second
      statusRound(h);
      assertThat(h.inventory.polls.get()).isEqualTo(2);

      h.clock.advance(Duration.ofSeconds(1));
      statusRound(h);
      h.clock.advance(Duration.ofSeconds(1));
      statusRound(h);
      assertThat(h.inventory.polls.get()).isBetween(2, 3);
    }
  }

  @Test
  void devicesOfGuestsNoSpecSelectsCostNothing() throws Exception {
    try (Harness h = started(guest(200, "pve1", "running"), guest(201, "pve2", "stopped"))) {
      h.agent("pve1").guestDevices =
          List.of(dev("tap200i0", 10), dev("tap200i5", 11), dev("vmbr0", 2), dev("fwpr200p0", 12));
      h.agent("pve2").guestDevices = List.of(dev("tap201i0", 20), dev("tap200i0", 21));
      statusRound(h);
      h.agent("pve1").guestDevices = List.of(dev("tap200i0", 13));
      statusRound(h);

      assertThat(h.inventory.configReads).isEmpty();
      assertThat(h.inventory.polls.get()).isEqualTo(1);
    }
  }

  @Test
  void aDeviceOfAGuestTheInventoryDoesNotKnowMakesOnePoll() throws Exception {
    try (Harness h = started(guest(101, "pve1", "running"))) {
      h.agent("pve2").guestDevices = List.of(dev("veth555i0", 20));
      statusRound(h);
      h.clock.advance(Duration.ofSeconds(5));
      statusRound(h);

      assertThat(h.inventory.polls.get()).isEqualTo(2);
    }
  }

  @Test
  void devicesAreIgnoredUntilSpecsAreValid() throws Exception {
    try (Harness h = new Harness(guest(101, "pve1", "running"))) {
      h.specs.broken("no sessions today");
      h.pollAndSettle();
      h.agents.values().forEach(a -> a.guestDevices = List.of(dev("tap101i1", 10)));
      statusRound(h);

      assertThat(h.inventory.configReads).isEmpty();
      assertThat(h.inventory.polls.get()).isEqualTo(1);
    }
  }

  @Test
  void aFailedConfigReadFallsBackToAPoll() throws Exception {
    try (Harness h = started(guest(101, "pve1", "running"))) {
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10));
      statusRound(h);
      h.inventory.inventory = Fakes.inventory(Harness.NODES); // 101 is gone meanwhile
      h.agent("pve1").guestDevices = List.of(dev("tap101i0", 10), dev("tap101i1", 11));
      statusRound(h);

      assertThat(h.inventory.configReads).containsExactly(new VmId(101));
      assertThat(h.inventory.polls.get()).isEqualTo(2);
      assertThat(h.controller.snapshot().inventory().guests()).isEmpty();
    }
  }

  @Test
  void aSlowAgentDelaysNoOtherAgentsStatusRead() throws Exception {
    try (Harness h = started(guest(101, "pve1", "running"))) {
      h.agent("pve1").statusHangs = true;
      int pve1Before = h.agent("pve1").statusReads.get();
      int pve2Before = h.agent("pve2").statusReads.get();
      int pve3Before = h.agent("pve3").statusReads.get();
      h.controller.collectStatus();
      assertThat(h.agent("pve1").statusHangEntered.await(10, TimeUnit.SECONDS)).isTrue();
      awaitTrue(() -> h.agent("pve2").statusReads.get() == pve2Before + 1);

      // pve1's read still hangs; later rounds read pve2 and pve3 again (a round skips a node
      // whose read is still in flight, so keep starting rounds), and pve1 never twice at once
      awaitTrue(
          () -> {
            h.controller.collectStatus();
            return h.agent("pve2").statusReads.get() >= pve2Before + 2
                && h.agent("pve3").statusReads.get() >= pve3Before + 2;
          });
      h.agent("pve1").release();
      h.io.awaitIdle();
      assertThat(h.agent("pve1").statusReads.get()).isEqualTo(pve1Before + 1);
    }
  }

  /** A deadline for real I/O on 127.0.0.1, not a timing assertion. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
