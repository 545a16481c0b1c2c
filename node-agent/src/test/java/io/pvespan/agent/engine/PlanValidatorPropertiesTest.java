package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.agent.fakes.JsonMutation;
import io.pvespan.agent.fakes.PlanArbitraries;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The validator judges a plan, not its encoding: what it says of a plan it says of the same plan
 * written to JSON and read back, for valid plans and for hostile ones that still read (a source
 * {@code eth0}, a session {@code $(id)}, another node, a stale digest). And the plans the other
 * properties start from are valid, so that their refusals come from the mutations.
 */
class PlanValidatorPropertiesTest {
  @Property(tries = 300)
  void generatedPlansAreValid(@ForAll("plans") NodeMirrorPlan plan) {
    assertThat(
            PlanValidator.problems(
                plan, Plans.NODE, io.pvespan.agent.engine.Underlay.of("198.18.0.0/15")))
        .as(Plans.json(plan))
        .isEmpty();
  }

  @Property(tries = 400)
  void theVerdictSurvivesAJsonRoundTrip(
      @ForAll("plans") NodeMirrorPlan base, @ForAll("mutations") List<JsonMutation> mutations)
      throws JsonProcessingException {
    ObjectNode tree = PlanJson.MAPPER.valueToTree(base);
    mutations.forEach(m -> m.apply(tree));
    NodeMirrorPlan plan;
    try {
      plan = PlanJson.MAPPER.treeToValue(tree, NodeMirrorPlan.class);
    } catch (JsonProcessingException | RuntimeException e) {
      plan = null;
    }
    Assume.that(plan != null); // what does not read is the intake's business (the other test)

    String written = PlanJson.write(plan);
    NodeMirrorPlan read = PlanJson.MAPPER.readValue(written, NodeMirrorPlan.class);

    assertThat(read).as(written).isEqualTo(plan);
    assertThat(
            PlanValidator.problems(
                read, Plans.NODE, io.pvespan.agent.engine.Underlay.of("198.18.0.0/15")))
        .as(written)
        .isEqualTo(
            PlanValidator.problems(
                plan, Plans.NODE, io.pvespan.agent.engine.Underlay.of("198.18.0.0/15")));
    assertThat(PlanJson.write(read)).isEqualTo(written);
  }

  @Provide
  Arbitrary<NodeMirrorPlan> plans() {
    return PlanArbitraries.plans();
  }

  @Provide
  Arbitrary<List<JsonMutation>> mutations() {
    return JsonMutation.mutations().list().ofMaxSize(3);
  }
}
