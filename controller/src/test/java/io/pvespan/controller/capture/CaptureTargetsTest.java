package io.pvespan.controller.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaptureTargetsTest {
  static MirrorEntry entry(String session, int vmid, Direction d) {
    return new MirrorEntry(
        session,
        VmId.of(vmid),
        new NicId(0),
        InterfaceName.of("tap" + vmid + "i0"),
        d,
        EntryState.ACTIVE,
        new LocalTarget(InterfaceName.of("tap900i0")),
        List.of());
  }

  static ControllerSnapshot snapshot(List<NodeMirrorPlan> plans) {
    MirrorSession web =
        MirrorSession.of(
            "web",
            new MirrorSessionSpec(
                SourceSelector.ofVmids(VmId.of(101)), null, "ids", null, null, null));
    MirrorSession db =
        MirrorSession.of(
            "db",
            new MirrorSessionSpec(
                SourceSelector.ofVmids(VmId.of(102)), null, "ids", null, null, null));
    Inventory inv =
        new Inventory(
            List.of(
                new InventoryNode("pve1", "198.18.0.1", true, null),
                new InventoryNode("pve2", "198.18.0.2", true, null),
                new InventoryNode("pve3", "198.18.0.3", false, null)),
            List.of());
    return new ControllerSnapshot(
        Instant.EPOCH,
        new SpecSet(List.of(), List.of(web, db)),
        List.of(),
        inv,
        null,
        null,
        0,
        0,
        plans,
        List.of(),
        List.of(),
        List.of(),
        0);
  }

  static CaptureRequest request(String session, Integer vm) {
    return new CaptureRequest(
        session,
        Optional.ofNullable(vm).map(VmId::of),
        Optional.empty(),
        Duration.ofSeconds(10),
        1000);
  }

  final ControllerSnapshot s =
      snapshot(
          List.of(
              NodeMirrorPlan.of(
                  "pve1",
                  1,
                  List.of(
                      entry("web", 101, Direction.EGRESS),
                      entry("web", 103, Direction.BOTH),
                      entry("db", 102, Direction.BOTH)),
                  List.of(),
                  List.of()),
              // 101 roams: on standby on pve2, the other direction (another session rule)
              NodeMirrorPlan.of(
                  "pve2", 1, List.of(entry("web", 101, Direction.INGRESS)), List.of(), List.of())));

  @Test
  void aSessionIsCapturedWhereThePlansMirrorItsDevicesInTheUnionOfTheirDirections()
      throws Exception {
    assertThat(CaptureTargets.of(s, request("web", null)))
        .extracting(t -> t.node() + " " + t.device() + " " + t.direction().json())
        .containsExactly("pve1 tap101i0 both", "pve2 tap101i0 both", "pve1 tap103i0 both");
  }

  @Test
  void aVmIsCapturedOnEveryOnlineNodeSoAMigrationIsFollowedBeforeAnyPoll() throws Exception {
    assertThat(CaptureTargets.of(s, request("db", 102)))
        .extracting(t -> t.node() + " " + t.device())
        .containsExactly("pve1 tap102i0", "pve2 tap102i0");
  }

  @Test
  void anUnknownSessionOrAVmOutsideTheSessionIsRefusedInOneLine() {
    assertThatThrownBy(() -> CaptureTargets.of(s, request("dmz", null)))
        .isInstanceOf(CaptureRefused.class)
        .hasMessage("no session dmz (sessions: db, web)")
        .satisfies(e -> assertThat(((CaptureRefused) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> CaptureTargets.of(s, request("web", 102)))
        .hasMessage("VM 102 is not a source of session web");
    assertThatThrownBy(() -> CaptureTargets.of(snapshot(List.of()), request("web", null)))
        .hasMessage("session web mirrors no guest now (paused, or none selected)");
  }

  @Test
  void limitsAndFiltersAreCheckedWhenTheRequestIsMade() {
    assertThatThrownBy(
            () ->
                new CaptureRequest(
                    "web", Optional.empty(), Optional.of("udp; reboot"), Duration.ofSeconds(1), 1))
        .hasMessageContaining("not a pcap expression");
    assertThatThrownBy(
            () ->
                new CaptureRequest(
                    "web", Optional.empty(), Optional.empty(), Duration.ofHours(2), 1))
        .hasMessageContaining("duration");
    assertThatThrownBy(
            () ->
                new CaptureRequest(
                    "web", Optional.empty(), Optional.empty(), Duration.ofSeconds(1), 2L << 30))
        .hasMessageContaining("bytes");
  }
}
