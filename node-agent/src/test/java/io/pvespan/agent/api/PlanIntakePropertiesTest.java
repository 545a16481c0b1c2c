package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.agent.engine.GuestDevices;
import io.pvespan.agent.engine.PlanValidator;
import io.pvespan.agent.fakes.FakeConverger;
import io.pvespan.agent.fakes.JsonMutation;
import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.agent.fakes.PlanArbitraries;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.kernel.Cidr;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanDigest;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.FilterRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * What a stolen agent credential can do with a plan, as properties: any plan JSON, mutated (a field
 * removed, a type changed, a value replaced by {@code eth0}, {@code lo}, {@code vmbr0}, {@code
 * tap1;reboot}, {@code $(id)}, long or unicode names, negative or huge numbers, another field's
 * value), with or without a digest recomputed to match, is either refused with at least one reason
 * and nothing changes, or accepted and then touches only guest devices and pvespan's own tunnels,
 * with a generation inside the bounds.
 */
class PlanIntakePropertiesTest {
  private static Path dir;

  @BeforeContainer
  static void createDir() throws IOException {
    // Every accepted plan is fsynced: on tmpfs that costs nothing, and the properties stay fast.
    Path shm = Path.of("/dev/shm");
    dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "pvespan-intake-props")
            : Files.createTempDirectory("pvespan-intake-props");
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 800)
  void aMutatedPlanIsRefusedWithReasonsOrTouchesOnlyGuestDevices(
      @ForAll("plans") NodeMirrorPlan base,
      @ForAll("mutations") List<JsonMutation> mutations,
      @ForAll boolean resignDigest,
      @ForAll boolean baseApplied) {
    FakeConverger converger = new FakeConverger();
    AgentReconciler reconciler =
        new AgentReconciler(
            Plans.NODE, converger, new MutableClock(Instant.EPOCH), Duration.ofSeconds(30));
    PlanIntake intake =
        new PlanIntake(
            Plans.NODE,
            io.pvespan.agent.engine.Underlay.of("198.18.0.0/15"),
            new PlanStore(dir),
            reconciler);
    if (baseApplied) {
      assertThat(intake.offer(bytes(base))).isInstanceOf(PlanIntake.Outcome.Accepted.class);
    }
    Optional<NodeMirrorPlan> before = reconciler.plan();
    byte[] body = mutate(base.withGeneration(base.generation() + 1), mutations, resignDigest);

    PlanIntake.Outcome outcome = intake.offer(body);

    String shown = new String(body, StandardCharsets.UTF_8);
    if (outcome instanceof PlanIntake.Outcome.Accepted) {
      NodeMirrorPlan now = reconciler.plan().orElseThrow();
      assertTouchesOnlyGuestDevices(now, shown);
      assertThat(now.generation()).as(shown).isLessThanOrEqualTo(PlanIntake.MAX_GENERATION);
      before.ifPresent(
          b ->
              assertThat(now.generation() - b.generation())
                  .as(shown)
                  .isBetween(1L, PlanIntake.MAX_GENERATION_STEP));
    } else {
      if (outcome instanceof PlanIntake.Outcome.Invalid invalid) {
        assertThat(invalid.details()).as(shown).isNotEmpty().allMatch(d -> !d.isBlank());
      }
      assertThat(outcome).as(shown).isNotInstanceOf(PlanIntake.Outcome.StoreFailed.class);
      assertThat(reconciler.plan()).as(shown).isEqualTo(before);
    }
  }

  /** Generations from a hostile list, offered in a row: they only ever move forward, by a step. */
  @Property(tries = 300)
  void generationsOnlyMoveForwardByABoundedStep(@ForAll("generationRuns") List<Long> generations) {
    AgentReconciler reconciler =
        new AgentReconciler(
            Plans.NODE,
            new FakeConverger(),
            new MutableClock(Instant.EPOCH),
            Duration.ofSeconds(30));
    PlanIntake intake =
        new PlanIntake(
            Plans.NODE,
            io.pvespan.agent.engine.Underlay.of("198.18.0.0/15"),
            new PlanStore(dir),
            reconciler);
    for (long generation : generations) {
      Optional<Long> before = reconciler.plan().map(NodeMirrorPlan::generation);
      PlanIntake.Outcome outcome = intake.offer(bytes(Plans.simple(generation)));
      Optional<Long> after = reconciler.plan().map(NodeMirrorPlan::generation);
      if (outcome instanceof PlanIntake.Outcome.Accepted) {
        assertThat(after).contains(generation);
        assertThat(generation).isLessThanOrEqualTo(PlanIntake.MAX_GENERATION);
        before.ifPresent(
            b -> assertThat(generation - b).isBetween(1L, PlanIntake.MAX_GENERATION_STEP));
      } else {
        assertThat(after).isEqualTo(before);
      }
    }
  }

  static void assertTouchesOnlyGuestDevices(NodeMirrorPlan plan, String shown) {
    assertThat(
            PlanValidator.problems(
                plan, Plans.NODE, io.pvespan.agent.engine.Underlay.of("198.18.0.0/15")))
        .as(shown)
        .isEmpty();
    List<String> tunnels = plan.tunnels().stream().map(t -> t.device().value()).toList();
    for (TunnelDevice t : plan.tunnels()) {
      assertThat(t.device().value()).as(shown).startsWith(TunnelDevice.NAME_PREFIX);
    }
    for (MirrorEntry m : plan.mirrors()) {
      assertThat(GuestDevices.isGuestDevice(m.device())).as(shown + " source").isTrue();
      List<MirrorTarget> targets = new ArrayList<>(m.standbyTargets());
      targets.add(m.target());
      for (MirrorTarget target : targets) {
        if (target instanceof LocalTarget local) {
          assertThat(GuestDevices.isGuestDevice(local.device())).as(shown + " target").isTrue();
        } else if (target instanceof TunnelTarget tunnel) {
          assertThat(tunnels).as(shown + " tunnel target").contains(tunnel.device().value());
        }
      }
      for (FilterRule rule : m.filter()) {
        if (rule.cidr() != null) {
          assertThat(Cidr.parse(rule.cidr())).as(shown + " filter cidr").isNotNull();
        }
      }
    }
    for (Delivery d : plan.deliveries()) {
      assertThat(GuestDevices.isGuestDevice(d.device())).as(shown + " delivery").isTrue();
      assertThat(tunnels).as(shown + " delivery source").contains(d.from().value());
    }
  }

  /** The plan's JSON with {@code mutations} applied; the digest recomputed when it still reads. */
  static byte[] mutate(NodeMirrorPlan plan, List<JsonMutation> mutations, boolean resignDigest) {
    ObjectNode tree = PlanJson.MAPPER.valueToTree(plan);
    mutations.forEach(m -> m.apply(tree));
    if (resignDigest) {
      try {
        NodeMirrorPlan parsed = PlanJson.MAPPER.treeToValue(tree, NodeMirrorPlan.class);
        if (parsed != null) {
          tree.put("digest", PlanDigest.of(parsed));
        }
      } catch (IOException | RuntimeException e) {
        // Does not read as a plan: the intake must say so, digest or not.
      }
    }
    return PlanJson.write(tree).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(NodeMirrorPlan plan) {
    return Plans.json(plan).getBytes(StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<NodeMirrorPlan> plans() {
    return PlanArbitraries.plans();
  }

  @Provide
  Arbitrary<List<JsonMutation>> mutations() {
    return JsonMutation.mutations().list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<Long>> generationRuns() {
    long max = PlanIntake.MAX_GENERATION;
    long step = PlanIntake.MAX_GENERATION_STEP;
    return Arbitraries.oneOf(
            Arbitraries.of(
                0L, 1L, step, step + 1, step + 2, max - 1, max, max + 1, Long.MAX_VALUE, 2 * step),
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.longs().between(0, 3 * step))
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }
}
