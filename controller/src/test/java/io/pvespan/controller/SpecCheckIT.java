package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.specs.DirectorySpecSource;
import io.pvespan.controller.specs.SpecSource;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.load.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specs are read and validated off the reconcile path: a huge, broken spec in the directory never
 * holds up following a migration, and a check past its time budget is given up and reported while
 * the last valid specs stay in force. The spec thread is real; the gate in front of {@code load()}
 * holds a check "forever" on purpose, so that a reconcile waiting for it would hang (the timeouts
 * are a bound against that hang, not speed claims).
 */
class SpecCheckIT {
  private static final Duration BUDGET = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ExecutorService specThread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    specThread.shutdownNow();
  }

  /** A directory source whose loads can be held until released. */
  static final class Gated implements SpecSource {
    final DirectorySpecSource real;
    final AtomicInteger loads = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile CountDownLatch entered = new CountDownLatch(1);

    Gated(Path dir) {
      real = new DirectorySpecSource(dir);
    }

    @Override
    public String fingerprint() throws IOException {
      return real.fingerprint();
    }

    @Override
    public LoadResult load() {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        // abandoned over budget: load anyway, the result is dropped
      }
      loads.incrementAndGet();
      return real.load();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aHugeBrokenSpecNeverDelaysFollowingAMigration() throws Exception {
    writeGoodSpecs();
    Gated source = new Gated(dir);
    try (Harness h = new Harness(source, specThread, BUDGET, guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      assertThat(mirrorsOf(h.agent("pve1").puts.get(0))).containsExactly(101);

      Files.writeString(dir.resolve("huge.yaml"), eightyThousandUnknownKeys());
      source.gate = new CountDownLatch(1);
      source.entered = new CountDownLatch(1);
      h.controller.checkSpecs();
      assertThat(source.entered.await(30, TimeUnit.SECONDS)).isTrue();

      // guest 101 migrates while the huge file is being validated
      h.inventory.inventory = Fakes.inventory(Harness.NODES, guest(101, "pve2", "running"));
      h.pollAndSettle();

      assertThat(source.gate.getCount()).as("the spec check is still held").isEqualTo(1);
      List<NodeMirrorPlan> pve2 = h.agent("pve2").puts;
      assertThat(mirrorsOf(pve2.get(pve2.size() - 1))).containsExactly(101);
      List<NodeMirrorPlan> pve1 = h.agent("pve1").puts;
      assertThat(mirrorsOf(pve1.get(pve1.size() - 1))).isEmpty();

      source.gate.countDown();
      await(() -> !h.controller.snapshot().specErrors().isEmpty());
      var s = h.controller.snapshot();
      assertThat(s.specErrors())
          .anyMatch(e -> e.contains("huge.yaml:7:3: spec.k000000: unknown field"))
          .hasSizeLessThan(60);
      assertThat(s.specs().sessions()).extracting(x -> x.name()).containsExactly("web");
      assertThat(mirrorsOf(plan(s, "pve2"))).containsExactly(101);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aCheckPastItsBudgetIsAbandonedReportedAndNotRetriedUntilTheSpecsChange() throws Exception {
    writeGoodSpecs();
    Gated source = new Gated(dir);
    try (Harness h = new Harness(source, specThread, BUDGET, guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      Files.writeString(
          dir.resolve("web.yaml"),
          Files.readString(dir.resolve("web.yaml")).replace("[101]", "[101, 102]"));
      source.gate = new CountDownLatch(1);
      source.entered = new CountDownLatch(1);
      h.controller.checkSpecs();
      assertThat(source.entered.await(30, TimeUnit.SECONDS)).isTrue();

      h.controller.checkSpecs(); // within the budget: nothing happens
      assertThat(h.controller.snapshot().specErrors()).isEmpty();
      h.clock.advance(BUDGET.plusSeconds(1));
      h.controller.checkSpecs();

      assertThat(h.controller.snapshot().specErrors())
          .containsExactly(
              "reading and validating the specs took over the 30 s budget; abandoned, and not"
                  + " tried again until they change");
      await(() -> source.loads.get() == 2); // the held load ends (interrupted); its result dropped
      specThread.submit(() -> null).get(); // and its thread is free again
      h.controller.checkSpecs();
      specThread.submit(() -> null).get();
      assertThat(source.loads.get()).as("same content: not tried again").isEqualTo(2);
      assertThat(h.controller.snapshot().specs().sessions().get(0).spec().sources().vmids())
          .extracting(v -> v.value())
          .containsExactly(101);

      source.gate = new CountDownLatch(0);
      Files.writeString(dir.resolve("extra.yaml"), "# a change\n");
      h.controller.checkSpecs();
      await(() -> h.controller.snapshot().specErrors().isEmpty());
      assertThat(h.controller.snapshot().specs().sessions().get(0).spec().sources().vmids())
          .extracting(v -> v.value())
          .containsExactly(101, 102);
    }
  }

  private void writeGoodSpecs() throws IOException {
    Files.writeString(
        dir.resolve("sensors.yaml"),
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: ids}
        spec: {vm: {vmid: 999, nic: net0}}
        """);
    Files.writeString(
        dir.resolve("web.yaml"),
        """
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec:
          sensorRef: ids
          sources: {vmids: [101]}
        """);
  }

  /** 1 MiB less a little: a MirrorSession with ~80k unknown keys (issue 10's hostile spec). */
  static String eightyThousandUnknownKeys() {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: pvespan.io/v1alpha1\nkind: MirrorSession\nmetadata: {name: big}\n"
                + "spec:\n  sensorRef: ids\n  sources: {vmids: [101]}\n");
    for (int i = 0; yaml.length() < 1024 * 1024 - 64; i++) {
      yaml.append(String.format("  k%06d: %d%n", i, i));
    }
    return yaml.toString();
  }

  private static NodeMirrorPlan plan(ControllerSnapshot s, String node) {
    return s.plans().stream().filter(p -> p.node().equals(node)).findFirst().orElseThrow();
  }

  private static List<Integer> mirrorsOf(NodeMirrorPlan p) {
    return p.mirrors().stream().map(MirrorEntry::vmid).map(v -> v.value()).distinct().toList();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(10);
    }
  }
}
