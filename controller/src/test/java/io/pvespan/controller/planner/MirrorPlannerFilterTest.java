package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.PortSet;
import io.pvespan.model.Sample;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.FilterEndpoint;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's filter rules and sample reach every one of its mirror entries unchanged. */
class MirrorPlannerFilterTest {
  static MirrorSession session(List<FilterRule> filter, Sample sample) {
    return MirrorSession.of(
        "dmz-web",
        new MirrorSessionSpec(
            sources().tags("dmz").build(),
            Direction.BOTH,
            "ids-1",
            Encapsulation.AUTO,
            filter,
            sample,
            false));
  }

  @Test
  void rulesAndSampleAreCarriedIntoTheEntries() {
    FilterRule https =
        new FilterRule(
            100,
            FilterRule.Action.ACCEPT,
            Direction.EGRESS,
            FilterRule.Protocol.TCP,
            new FilterEndpoint("10.0.0.0/8", null),
            new FilterEndpoint("10.1.2.3/32", PortSet.of(443)),
            true,
            null,
            null);
    PlanResult result = plan(labSpecs(session(List.of(https), Sample.parse("1/10"))), lab());
    assertThat(result.errors()).isEmpty();
    List<MirrorEntry> all = result.plans().stream().flatMap(p -> p.mirrors().stream()).toList();
    assertThat(all).isNotEmpty();
    assertThat(all)
        .allSatisfy(
            e -> {
              assertThat(e.filter()).containsExactly(https);
              assertThat(e.sample()).isEqualTo(Sample.parse("1/10"));
            });
  }

  @Test
  void aNewSampleIsANewGenerationAndOneInOneIsNoSample() {
    PlanResult tenth = plan(labSpecs(session(List.of(), Sample.parse("1/10"))), lab());
    PlanResult every = plan(labSpecs(session(List.of(), Sample.parse("1/1"))), lab());
    PlanResult none = plan(labSpecs(session(List.of(), null)), lab());
    assertThat(nodePlan(every, "pve1").mirrors()).isEqualTo(nodePlan(none, "pve1").mirrors());
    assertThat(nodePlan(every, "pve1").digest()).isEqualTo(nodePlan(none, "pve1").digest());
    assertThat(nodePlan(tenth, "pve1").digest()).isNotEqualTo(nodePlan(none, "pve1").digest());
  }
}
