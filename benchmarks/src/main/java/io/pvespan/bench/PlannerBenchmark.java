package io.pvespan.bench;

import io.pvespan.controller.planner.MirrorPlanner;
import io.pvespan.controller.planner.PlanContext;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.SpecSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The planner on {@link GeneratedCluster} (32 nodes, 10,000 guests x 4 NICs, 200 sessions): a full
 * plan from nothing, a re-plan after one guest migrated with the previous plans passed in, and the
 * same re-plan done incrementally from the previous {@link PlanContext} (the controller's steady
 * state). Targets: full plan under 200 ms, re-plan under 20 ms, on one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlannerBenchmark {
  SpecSet specs;
  Inventory inventory;
  Inventory migrated;
  Map<String, NodeMirrorPlan> previous;
  PlanContext context;

  @Setup
  public void setup() {
    specs = GeneratedCluster.specs();
    inventory = GeneratedCluster.inventory();
    // Guest 1234 (tag t34: a remote session) moves from its node to the next one.
    List<Guest> guests = new ArrayList<>();
    for (Guest g : inventory.guests()) {
      int i = g.vmid().value() - 1000;
      guests.add(i == 234 ? GeneratedCluster.guest(i, GeneratedCluster.node((i + 1) % 32)) : g);
    }
    migrated = new Inventory(inventory.nodes(), guests);
    context = MirrorPlanner.planContext(specs, inventory, Map.of());
    PlanResult before = context.result();
    if (!before.ok()) {
      throw new IllegalStateException("generated specs do not plan: " + before.errors());
    }
    previous =
        before.plans().stream()
            .collect(Collectors.toMap(NodeMirrorPlan::node, Function.identity()));
  }

  @Benchmark
  public PlanResult fullPlan() {
    return MirrorPlanner.plan(specs, inventory, Map.of());
  }

  @Benchmark
  public PlanResult replanAfterMigration() {
    return MirrorPlanner.plan(specs, migrated, previous);
  }

  /** The same re-plan through {@link MirrorPlanner#replan} from the previous plan's context. */
  @Benchmark
  public PlanContext incrementalReplanAfterMigration() {
    return MirrorPlanner.replan(context, specs, migrated);
  }
}
