package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.agent.fakes.FakeConverger;
import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.state.PlanStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a stolen credential could try with generations and types: refused, nothing changes. */
class PlanIntakeTest {
  @TempDir Path dir;
  private final FakeConverger converger = new FakeConverger();
  private final AgentReconciler reconciler =
      new AgentReconciler(
          Plans.NODE, converger, new MutableClock(Instant.EPOCH), Duration.ofSeconds(30));

  private PlanIntake intake() {
    return new PlanIntake(
        Plans.NODE,
        io.pvespan.agent.engine.Underlay.of("198.18.0.0/15"),
        new PlanStore(dir),
        reconciler);
  }

  private static byte[] json(Object plan) {
    return Plans.json((io.pvespan.plan.NodeMirrorPlan) plan).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aGenerationThatWouldPinTheNodeIsRefused() {
    PlanIntake intake = intake();
    assertThat(intake.offer(json(Plans.simple(Long.MAX_VALUE))))
        .isInstanceOf(PlanIntake.Outcome.Invalid.class)
        .satisfies(
            o ->
                assertThat(((PlanIntake.Outcome.Invalid) o).details().get(0))
                    .contains("no later plan could ever replace it"));
    assertThat(reconciler.plan()).isEmpty();
  }

  @Test
  void aJumpFarPastTheAppliedGenerationIsRefusedAndTheCurrentPlanStays() {
    PlanIntake intake = intake();
    assertThat(intake.offer(json(Plans.simple(5)))).isInstanceOf(PlanIntake.Outcome.Accepted.class);
    long tooFar = 5 + PlanIntake.MAX_GENERATION_STEP + 1;
    assertThat(intake.offer(json(Plans.simple(tooFar))))
        .isInstanceOf(PlanIntake.Outcome.Invalid.class);
    assertThat(reconciler.plan().orElseThrow().generation()).isEqualTo(5);
    assertThat(intake.offer(json(Plans.simple(6)))).isInstanceOf(PlanIntake.Outcome.Accepted.class);
  }

  @Test
  void wrongJsonTypesAreNotCoerced() {
    String good = Plans.json(Plans.full(3));
    for (String bad :
        new String[] {
          good.replace("\"generation\":3", "\"generation\":3.9"),
          good.replace("\"generation\":3", "\"generation\":\"3\""),
          good.replaceFirst("\"vni\":(\\d+)", "\"vni\":\"$1\"")
        }) {
      assertThat(bad).isNotEqualTo(good);
      assertThat(intake().offer(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(PlanIntake.Outcome.Invalid.class);
    }
    assertThat(reconciler.plan()).isEmpty();
  }

  /**
   * Found by PlanValidatorPropertiesTest: {@code "tunnels":[null]} read as a plan and the validator
   * then threw a NullPointerException (a 500); now it is a 400 with the reason.
   */
  @Test
  void aNullEntryInAPlanListIsRefusedWithAReason() {
    String good = Plans.json(Plans.full(3));
    for (String list : new String[] {"mirrors", "tunnels", "deliveries"}) {
      String bad = good.replaceFirst("\"" + list + "\":\\[", "\"" + list + "\":[null,");
      String single =
          good.replaceFirst("\"" + list + "\":\\[[^\\]]*\\]", "\"" + list + "\":[null]");
      for (String body : new String[] {bad, single}) {
        assertThat(body).isNotEqualTo(good);
        assertThat(intake().offer(body.getBytes(StandardCharsets.UTF_8)))
            .as(body)
            .isInstanceOfSatisfying(
                PlanIntake.Outcome.Invalid.class,
                i -> assertThat(i.details()).singleElement().asString().isNotBlank());
      }
    }
    assertThat(reconciler.plan()).isEmpty();
  }

  /** A key given twice (top level or nested) is refused, not read as its last value. */
  @Test
  void aKeyGivenTwiceIsRefusedWithTheKeyNamed() {
    String good = Plans.json(Plans.full(3));
    String topLevel = good.replaceFirst("\\{", "{\"generation\":2,");
    String nested = good.replaceFirst("\"vni\":(\\d+)", "\"vni\":$1,\"vni\":4242");
    for (String[] bad : new String[][] {{topLevel, "generation"}, {nested, "vni"}}) {
      assertThat(bad[0]).isNotEqualTo(good);
      assertThat(intake().offer(bad[0].getBytes(StandardCharsets.UTF_8)))
          .as(bad[0])
          .isInstanceOfSatisfying(
              PlanIntake.Outcome.Invalid.class,
              i -> {
                assertThat(i.error()).isEqualTo("malformed plan");
                assertThat(i.details())
                    .singleElement()
                    .asString()
                    .contains("Duplicate field '" + bad[1] + "'");
              });
    }
    assertThat(reconciler.plan()).isEmpty();
    assertThat(intake().offer(good.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PlanIntake.Outcome.Accepted.class);
  }
}
