package io.pvespan.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerationsTest {
  static NodeMirrorPlan plan(long generation, int vmid) {
    var m =
        new MirrorEntry(
            "web",
            new VmId(vmid),
            new NicId(0),
            InterfaceName.of("tap" + vmid + "i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap999i0")),
            null);
    return NodeMirrorPlan.of("pve1", generation, List.of(m), List.of(), List.of());
  }

  @Test
  void anIssuedGenerationRenumbersUpwardOnly() {
    NodeMirrorPlan p = plan(7, 101);
    assertThat(Generations.issued(p, 7)).isSameAs(p);
    assertThat(Generations.issued(p, 12).generation()).isEqualTo(12);
    assertThat(Generations.issued(p, 12).digest()).isEqualTo(p.digest());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Generations.issued(p, 6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("generation 6 issued for a push of 7");
  }

  @Test
  void generationsNeverGoBack() {
    // same content: the higher generation stays
    assertThat(Generations.monotone(plan(7, 101), plan(1, 101), 0).generation()).isEqualTo(7);
    // new content planned from scratch after a restart: above the one in force and the floor
    assertThat(Generations.monotone(plan(7, 101), plan(1, 102), 0).generation()).isEqualTo(8);
    assertThat(Generations.monotone(null, plan(1, 102), 12).generation()).isEqualTo(13);
    // a planner that already counted up is kept as it is
    assertThat(Generations.monotone(plan(3, 101), plan(4, 102), 2).generation()).isEqualTo(4);
    // the digest is kept right whatever the generation
    NodeMirrorPlan p = Generations.monotone(plan(7, 101), plan(1, 102), 0);
    assertThat(p.digest()).isEqualTo(plan(1, 102).digest());
    // the node's floor from the generations value
    Generations g = Generations.NONE.raise("pve1", 12);
    assertThat(g.monotone(null, plan(1, 102)).generation()).isEqualTo(13);
  }

  @Test
  void monotoneNeverOverflowsItLeavesTheEndOfTheRangeToTheNodesReconcile() {
    NodeMirrorPlan next = plan(1, 102);
    assertThat(Generations.monotone(null, next, Long.MAX_VALUE)).isSameAs(next);
    assertThat(Generations.monotone(plan(Long.MAX_VALUE, 101), next, 0)).isSameAs(next);
  }

  @Test
  void theFloorNeverGoesBackAndFollowsOnlyBelievableClaims() {
    Generations g = Generations.NONE.raise("pve1", 7);
    assertThat(g.floor("pve1")).isEqualTo(7);
    assertThat(g.raise("pve1", 3).floor("pve1")).isEqualTo(7);
    assertThat(g.raise("pve1", 0).floor("pve1")).isEqualTo(7);
    assertThat(g.raise("pve1", -5).floor("pve1")).isEqualTo(7);
    // bounded adopt: up to MAX_ADOPT_STEP above, not one more
    long edge = 7 + Generations.MAX_ADOPT_STEP;
    assertThat(g.raise("pve1", edge).floor("pve1")).isEqualTo(edge);
    assertThat(g.raise("pve1", edge + 1).floor("pve1")).isEqualTo(7);
    assertThat(g.raise("pve1", Long.MAX_VALUE).floor("pve1")).isEqualTo(7);
    assertThat(Generations.believable(Long.MAX_VALUE - 1, Long.MAX_VALUE)).isTrue();
    assertThat(Generations.believable(0, Long.MAX_VALUE)).isFalse();
    // other nodes are untouched, nodes that left are forgotten
    assertThat(g.raise("pve2", 4).floor("pve1")).isEqualTo(7);
    assertThat(g.raise("pve2", 4).retain(Set.of("pve2")).floor("pve1")).isZero();
  }
}
