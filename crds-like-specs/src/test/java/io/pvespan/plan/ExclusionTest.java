package io.pvespan.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.FilterRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExclusionTest {
  private static MirrorEntry entry(Direction direction, List<Exclusion> exclusions) {
    return new MirrorEntry(
        "web",
        VmId.of(101),
        NicId.parse("net0"),
        InterfaceName.of("tap101i0"),
        direction,
        EntryState.ACTIVE,
        new LocalTarget(InterfaceName.of("tap900i0")),
        List.of(),
        false,
        List.of(),
        null,
        exclusions);
  }

  @Test
  void macsAreNormalisedSortedAndChecked() {
    Exclusion e =
        new Exclusion(
            Direction.INGRESS, List.of("BC:24:11:00:00:02", "bc:24:11:00:00:01"), List.of());
    assertThat(e.sourceMacs()).containsExactly("bc:24:11:00:00:01", "bc:24:11:00:00:02");
    assertThatThrownBy(() -> new Exclusion(Direction.INGRESS, List.of("bc:24:11:00:00"), null))
        .hasMessageContaining("is not a MAC address");
    assertThatThrownBy(() -> new Exclusion(Direction.BOTH, List.of(), null))
        .hasMessageContaining("one side");
  }

  @Test
  void anExclusionOnASideTheEntryDoesNotMirrorIsRefused() {
    assertThatThrownBy(
            () ->
                entry(Direction.EGRESS, List.of(new Exclusion(Direction.INGRESS, List.of(), null))))
        .hasMessageContaining("an exclusion on side ingress, which direction egress does not");
  }

  @Test
  void exclusionsRoundTripThroughPlanJsonAndAreOmittedWhenEmpty() throws Exception {
    MirrorEntry with =
        entry(
            Direction.BOTH,
            List.of(
                new Exclusion(Direction.INGRESS, List.of("bc:24:11:00:00:01"), List.of()),
                new Exclusion(
                    Direction.EGRESS,
                    List.of(),
                    List.of(
                        new FilterRule(
                            FilterRule.Action.ACCEPT,
                            FilterRule.Protocol.TCP,
                            null,
                            List.of(443))))));
    String json = PlanJson.write(with);
    assertThat(json).contains("\"exclusions\":[{\"side\":\"ingress\",\"sourceMacs\":[\"bc:24");
    assertThat(PlanJson.MAPPER.readValue(json, MirrorEntry.class)).isEqualTo(with);
    assertThat(PlanJson.write(entry(Direction.BOTH, List.of()))).doesNotContain("exclusions");
    assertThat(with.exclusionsOn(Direction.EGRESS)).hasSize(1);
  }

  @Test
  void anEmptySessionNameIsRefusedAsItWouldNotReadBack() {
    assertThatThrownBy(
            () ->
                PlanJson.MAPPER.readValue(
                    PlanJson.write(entry(Direction.BOTH, List.of())).replace("\"web\"", "\"\""),
                    MirrorEntry.class))
        .hasMessageContaining("the session name is empty");
  }
}
