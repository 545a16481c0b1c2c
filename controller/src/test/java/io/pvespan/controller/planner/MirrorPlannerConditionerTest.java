package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Bandwidth;
import io.pvespan.model.CopyVlan;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A session's snaplen, budget and vlan reach its mirror entries as their copy conditioner. */
class MirrorPlannerConditionerTest {
  static MirrorSession session(
      String name, PlanFixtures.Selector sources, Integer snaplen, String budget, CopyVlan vlan) {
    return MirrorSession.of(
        name,
        new MirrorSessionSpec(
            sources.build(),
            Direction.BOTH,
            "ids-1",
            Encapsulation.AUTO,
            List.of(),
            null,
            false,
            MirrorSessionSpec.Duplicates.ALLOW,
            null,
            snaplen,
            budget == null ? null : Bandwidth.parse(budget),
            vlan));
  }

  static List<MirrorEntry> entries(PlanResult result) {
    assertThat(result.errors()).isEmpty();
    return result.plans().stream().flatMap(p -> p.mirrors().stream()).toList();
  }

  @Test
  void snaplenAndBudgetReachEveryEntry() {
    PlanResult result =
        plan(labSpecs(session("dmz-web", sources().tags("dmz"), 128, "10Mbit", null)), lab());
    assertThat(entries(result))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.conditioner())
                    .isEqualTo(new Conditioner(128, Bandwidth.parse("10Mbit"), null)));
  }

  @Test
  void withoutConditioningEntriesHaveNoConditionerAndTheSamePlanAsBefore() {
    PlanResult plain =
        plan(labSpecs(session("dmz-web", sources().tags("dmz"), null, null, null)), lab());
    assertThat(entries(plain)).allSatisfy(e -> assertThat(e.conditioner()).isNull());
    PlanResult cut =
        plan(labSpecs(session("dmz-web", sources().tags("dmz"), 128, null, null)), lab());
    assertThat(nodePlan(cut, "pve1").digest()).isNotEqualTo(nodePlan(plain, "pve1").digest());
  }

  @Test
  void vlanSourceTakesEachNicsOwnTagAndLeavesUntaggedNicsUntagged() {
    // 104 (stopped: waiting entries) has net0 untagged and net1 with tag=20.
    PlanResult result =
        plan(labSpecs(session("db", sources().vmids(104), null, null, CopyVlan.source())), lab());
    Map<String, Conditioner> byNic =
        entries(result).stream()
            .collect(
                Collectors.toMap(
                    e -> e.nic().toString(),
                    e -> e.conditioner() == null ? NONE : e.conditioner()));
    assertThat(byNic).containsEntry("net1", new Conditioner(null, null, 20));
    assertThat(byNic).containsEntry("net0", NONE);
  }

  @Test
  void aFixedVlanTagsEveryEntryOfTheSession() {
    PlanResult result =
        plan(labSpecs(session("db", sources().vmids(104), 96, null, new CopyVlan(300))), lab());
    assertThat(entries(result))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.conditioner()).isEqualTo(new Conditioner(96, null, 300)));
  }

  private static final Conditioner NONE = new Conditioner(1500, null, null);
}
