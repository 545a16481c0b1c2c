package io.pvespan.controller.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.Sample;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.Exclusion;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.spec.FilterRule;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Generations#sameMirrors} is a hand-written, faster {@code equals}: it must notice a change
 * in every component of {@link MirrorEntry}, also one added later (a change of {@code exclusions}
 * alone once kept the old plan).
 */
class GenerationsSameMirrorsTest {
  private static final MirrorEntry A =
      new MirrorEntry(
          "a",
          VmId.of(101),
          NicId.parse("net0"),
          InterfaceName.of("tap101i0"),
          Direction.BOTH,
          EntryState.ACTIVE,
          new LocalTarget(InterfaceName.of("tap900i0")),
          List.of(),
          false,
          List.of(),
          null,
          List.of());

  private static final MirrorEntry B =
      new MirrorEntry(
              "b",
              VmId.of(102),
              NicId.parse("net1"),
              InterfaceName.of("tap102i1"),
              Direction.INGRESS,
              EntryState.WAITING,
              new LocalTarget(InterfaceName.of("tap901i0")),
              List.of(
                  new FilterRule(FilterRule.Action.ACCEPT, FilterRule.Protocol.TCP, null, null)),
              true,
              List.of(new LocalTarget(InterfaceName.of("tap902i0"))),
              Sample.parse("1/10"),
              List.of(new Exclusion(Direction.INGRESS, List.of("bc:24:11:00:00:01"), List.of())))
          .conditioned(new io.pvespan.plan.Conditioner(128, null, null));

  /** B as a sensor group member's entry: every component of A's differs. */
  private static final MirrorEntry B_SHARED = B.withShare(new io.pvespan.plan.Share(1, 2, "ids-b"));

  @Test
  void everyComponentCounts() throws Exception {
    RecordComponent[] components = MirrorEntry.class.getRecordComponents();
    Constructor<MirrorEntry> canonical =
        MirrorEntry.class.getDeclaredConstructor(
            Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    for (int i = 0; i < components.length; i++) {
      Object[] args = new Object[components.length];
      for (int j = 0; j < components.length; j++) {
        args[j] = components[j].getAccessor().invoke(j == i ? B_SHARED : A);
      }
      MirrorEntry changed = canonical.newInstance(args);
      assertThat(Generations.sameMirrors(List.of(A), List.of(changed)))
          .as(components[i].getName() + " differs")
          .isFalse();
    }
    assertThat(Generations.sameMirrors(List.of(A), List.of(A))).isTrue();
  }
}
