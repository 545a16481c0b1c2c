package io.pvespan.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.state.Generations;
import io.pvespan.controller.state.NodeObservation;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Decide#decide}: one row per situation a node can be in. */
class DecideTest {
  static final Instant NOW = Instant.parse("2026-11-23T06:00:00Z");
  static final long MAX = Long.MAX_VALUE;
  static final long STEP = Generations.MAX_ADOPT_STEP;

  /** The plan of content {@code vmid} (a mirror of that guest) under {@code generation}. */
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

  /** The agent as last seen: holding content {@code vmid} (0: nothing) under {@code applied}. */
  static NodeObservation seen(long applied, int vmid, Long refusedBy, Instant retryAt) {
    return new NodeObservation(
        "pve1",
        java.net.URI.create("http://127.0.0.1:8787/"),
        null,
        true,
        NOW,
        null,
        null,
        applied,
        vmid == 0 ? null : plan(applied, vmid).digest(),
        refusedBy,
        refusedBy == null ? 0 : 1,
        retryAt == null ? 0 : 1,
        retryAt,
        0,
        0,
        false);
  }

  static NodeObservation holds(long applied, int vmid) {
    return seen(applied, vmid, null, null);
  }

  static Arguments row(
      String why, NodeMirrorPlan desired, NodeObservation seen, long floor, String expected) {
    return Arguments.of(why, desired, seen, floor, expected);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        row("nothing desired", null, holds(3, 101), 0, "InSync"),
        row("the agent holds the plan", plan(4, 101), holds(4, 101), 4, "InSync"),
        row("never seen: push as planned", plan(1, 101), holds(0, 0), 0, "Push 1"),
        row("adopt: same content, higher generation", plan(1, 101), holds(5, 101), 0, "Adopt 5"),
        row("adopt at the bound", plan(1, 101), holds(STEP, 101), 0, "Adopt " + STEP),
        row("no adopt past the bound", plan(1, 101), holds(STEP + 1, 101), 0, "InSync"),
        row("no adopt of MAX, content right", plan(1, 101), holds(MAX, 101), 0, "InSync"),
        row("same content, lower generation", plan(3, 101), holds(1, 101), 3, "InSync"),
        row("stale: agent on older content", plan(4, 102), holds(3, 101), 3, "Push 4"),
        row("refused (409 said 7): above it", plan(1, 102), seen(0, 0, 7L, null), 7, "Push 8"),
        row("refused, floor not yet raised", plan(1, 102), seen(0, 0, 7L, null), 0, "Push 8"),
        row("refused: same generation", plan(4, 102), seen(4, 101, 4L, null), 4, "Push 5"),
        row("refused at the bound", plan(1, 102), seen(0, 0, STEP, null), 0, "Push " + (STEP + 1)),
        row(
            "unreachable, backing off",
            plan(2, 102),
            seen(1, 101, null, NOW.plusSeconds(4)),
            1,
            "Wait " + NOW.plusSeconds(4)),
        row("unreachable, backoff over", plan(2, 102), seen(1, 101, null, NOW), 1, "Push 2"),
        row(
            "backoff, but the agent has it",
            plan(2, 102),
            seen(2, 102, null, NOW.plusSeconds(4)),
            2,
            "InSync"),
        row("overflow: 409 says MAX", plan(1, 102), seen(0, 0, MAX, null), 0, "Refuse"),
        row("overflow: status says MAX", plan(1, 102), holds(MAX, 101), 0, "Refuse"),
        row("overflow: past the bound", plan(1, 102), seen(0, 0, STEP + 1, null), 0, "Refuse"),
        row("overflow: floor at MAX", plan(1, 102), holds(MAX, 101), MAX, "Refuse"),
        row(
            "overflow: backing off first",
            plan(1, 102),
            seen(0, 0, MAX, NOW.plusSeconds(1)),
            0,
            "Wait " + NOW.plusSeconds(1)),
        row("backwards: agent lost its plan", plan(1, 101), holds(0, 0), 1, "Push 1"),
        row("backwards: planned below the floor", plan(3, 102), holds(0, 0), 7, "Push 8"),
        row("backwards: agent behind the floor", plan(5, 102), holds(2, 101), 5, "Push 5"),
        row("backwards: agent ahead, other content", plan(3, 102), holds(6, 101), 6, "Push 7"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(
      String why, NodeMirrorPlan desired, NodeObservation seen, long floor, String expected) {
    Decision d = Decide.decide(desired, seen, floor, NOW);
    assertThat(describe(d)).as(why).isEqualTo(expected);
    if (d instanceof Decision.Push p) {
      // renumbering never changes what is pushed, only its number
      assertThat(p.plan().digest()).isEqualTo(desired.digest());
      assertThat(p.plan().mirrors()).isEqualTo(desired.mirrors());
    }
    if (d instanceof Decision.Refuse r) {
      assertThat(r.reason()).isNotBlank();
    }
  }

  @org.junit.jupiter.api.Test
  void theTableReachesEveryKindOfDecision() {
    java.util.Set<Class<?>> reached =
        table()
            .map(a -> a.get())
            .map(
                r ->
                    Decide.decide((NodeMirrorPlan) r[1], (NodeObservation) r[2], (long) r[3], NOW)
                        .getClass())
            .collect(java.util.stream.Collectors.toSet());
    assertThat(reached).containsExactlyInAnyOrder(Decision.class.getPermittedSubclasses());
  }

  private static String describe(Decision d) {
    if (d instanceof Decision.Push p) {
      return "Push " + p.plan().generation();
    } else if (d instanceof Decision.Adopt a) {
      return "Adopt " + a.generation();
    } else if (d instanceof Decision.Wait w) {
      return "Wait " + w.until();
    }
    return d.getClass().getSimpleName();
  }
}
