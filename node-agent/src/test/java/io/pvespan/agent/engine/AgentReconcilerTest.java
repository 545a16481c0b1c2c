package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.FakeConverger;
import io.pvespan.agent.fakes.MutableClock;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentReconcilerTest {
  private static final Instant T0 = Instant.parse("2026-11-23T05:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final FakeConverger converger = new FakeConverger();
  private final AgentReconciler reconciler =
      new AgentReconciler(Plans.NODE, converger, clock, Duration.ofSeconds(30));

  private static DriftItem drift(DriftItem.Kind kind, String object) {
    // The converger's own time is ignored: the reconciler keeps first-seen times.
    return new DriftItem(kind, object, "detail", Instant.EPOCH);
  }

  private Map<String, Condition> conditions() {
    return reconciler.status().conditions().stream()
        .collect(Collectors.toMap(Condition::type, c -> c));
  }

  @Test
  void withoutAPlanNothingIsConvergedEvenOnEventsAndResync() {
    reconciler.kernelChanged("tap101i0");
    clock.advance(Duration.ofMinutes(5));
    reconciler.resyncIfDue();
    assertThat(reconciler.runOnce()).isTrue();
    assertThat(converger.calls()).isZero();
    assertThat(conditions().get("Ready").reason()).isEqualTo("NoPlan");
  }

  @Test
  void aCopyGuardChangeQueuesOneFullConvergeAndItsFactorsShowInTheStats() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    reconciler.runOnce();
    assertThat(reconciler.stats().guardBySession()).isEmpty();
    reconciler.reportCopyGuard(() -> Map.of("s1", 128));
    reconciler.guardChanged();
    reconciler.guardChanged();
    assertThat(reconciler.runOnce()).isTrue();
    assertThat(reconciler.runOnce()).isFalse();
    assertThat(converger.calls()).isEqualTo(2);
    assertThat(converger.devices()).as("not a narrow converge").isEmpty();
    assertThat(reconciler.stats().guardBySession()).containsExactlyEntriesOf(Map.of("s1", 128));
  }

  @Test
  void manyEventsCoalesceIntoOneConverge() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    for (int i = 0; i < 500; i++) {
      reconciler.kernelChanged(i % 2 == 0 ? "tap101i0" : null);
    }
    assertThat(reconciler.runOnce()).isTrue();
    assertThat(reconciler.runOnce()).isFalse();
    assertThat(converger.plans()).containsExactly(Plans.simple(1));
  }

  @Test
  void deviceEventsConvergeThatDeviceFirstThenThePlan() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    reconciler.runOnce();
    DriftItem fixed = drift(DriftItem.Kind.MISSING, "filter tap101i0 ingress prio 7");
    converger.answerDevice(d -> FakeConverger.withDrift(List.of(fixed), List.of()));

    reconciler.kernelChanged("tap101i0");
    reconciler.kernelChanged("tap102i0");
    reconciler.runOnce();

    assertThat(converger.devices()).containsExactly("tap101i0", "tap102i0");
    assertThat(converger.calls()).isEqualTo(2); // the accepted plan, then the full pass after
    assertThat(reconciler.status().drift())
        .extracting(DriftItem::object)
        .containsExactly("filter tap101i0 ingress prio 7");
  }

  @Test
  void anEventWithoutADeviceOrAPlanChangeConvergesOnlyTheWholePlan() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    reconciler.kernelChanged("tap101i0");
    reconciler.runOnce();
    reconciler.kernelChanged("tap101i0");
    reconciler.kernelChanged(null);
    reconciler.runOnce();

    assertThat(converger.devices()).isEmpty();
    assertThat(converger.calls()).isEqualTo(2);
  }

  @Test
  void aGuestDeviceEventHoldsQdiscCreationUntilQuietThenConvergesItAgain() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    reconciler.runOnce();
    assertThat(converger.held()).containsExactly(Set.of());

    reconciler.kernelChanged("tap101i0"); // Proxmox deleted the qdiscs of tap101i0
    reconciler.kernelChanged("psp0a1b2c"); // our own tunnel: never held
    reconciler.runOnce();
    assertThat(converger.held().get(1)).containsExactly(InterfaceName.of("tap101i0"));

    clock.advance(PlugSettling.DEFAULT_QUIET.minusMillis(1));
    reconciler.settledIfDue();
    assertThat(reconciler.runOnce()).isFalse(); // still settling: nothing new to do
    clock.advance(Duration.ofMillis(1));
    reconciler.settledIfDue();
    assertThat(reconciler.runOnce()).isTrue(); // quiet now: converge it, qdiscs allowed
    assertThat(converger.devices()).endsWith("tap101i0");
    assertThat(converger.held().get(converger.held().size() - 1)).isEmpty();
  }

  @Test
  void aKernelThatCannotMirrorMakesTheAgentNotReadyWhateverTheConverge() {
    FakeConverger broken =
        new FakeConverger() {
          @Override
          public java.util.Optional<String> unusable() {
            return java.util.Optional.of(
                "the kernel probe failed: netns add: Operation not permitted");
          }
        };
    AgentReconciler r = new AgentReconciler(Plans.NODE, broken, clock, Duration.ofSeconds(30));
    r.accept(Plans.simple(1), PlanSource.PUSHED);
    r.runOnce();
    Condition ready =
        r.status().conditions().stream().filter(c -> c.type().equals("Ready")).findFirst().get();
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("KernelUnusable");
    assertThat(ready.message()).contains("Operation not permitted");
  }

  @Test
  void aFailedEntryMakesTheAgentNotReadyWithTheEntrysReason() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    converger.answer(
        p ->
            new ConvergeReport(
                List.of(),
                0,
                List.of(
                    new io.pvespan.status.EntryStatus(
                        "dmz",
                        InterfaceName.of("tap101i0"),
                        io.pvespan.model.Direction.BOTH,
                        "failed",
                        "filter rules need the bpf classifier, which this kernel lacks",
                        0,
                        0)),
                List.of(),
                1,
                Duration.ofMillis(1)));
    reconciler.runOnce();
    Condition ready = conditions().get("Ready");
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo("EntriesFailed");
    assertThat(ready.message()).contains("dmz on tap101i0: filter rules need the bpf classifier");
  }

  @Test
  void theStatusListsTheGuestDevicesOfTheLastFullConverge() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    var devices = List.of(new io.pvespan.status.GuestDevice(InterfaceName.of("tap101i1"), 42));
    converger.answer(
        p -> new ConvergeReport(List.of(), 0, List.of(), List.of(), 1, Duration.ZERO, devices));
    reconciler.runOnce();
    assertThat(reconciler.status().guestDevices()).isEqualTo(devices);
    converger.answer(FakeConverger::clean); // a report that did not read them keeps the last
    reconciler.kernelChanged(null);
    reconciler.runOnce();
    assertThat(reconciler.status().guestDevices()).isEqualTo(devices);
  }

  @Test
  void resyncIsQueuedOnlyWhenDue() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    reconciler.runOnce();
    clock.advance(Duration.ofSeconds(29));
    reconciler.resyncIfDue();
    assertThat(reconciler.runOnce()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    reconciler.resyncIfDue();
    assertThat(reconciler.runOnce()).isTrue();
    assertThat(converger.calls()).isEqualTo(2);
  }

  @Test
  void driftKeepsFirstSeenTimeAcrossRunsAndIsDroppedWhenGone() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    DriftItem a = drift(DriftItem.Kind.MISSING, "filter tap101i0 ingress prio 7");
    DriftItem b = drift(DriftItem.Kind.UNEXPECTED, "link pspold");
    converger.answer(p -> FakeConverger.withDrift(List.of(a), List.of("tc: RTNETLINK busy")));
    reconciler.runOnce();
    assertThat(reconciler.status().drift()).extracting(DriftItem::since).containsExactly(T0);

    Instant t1 = T0.plusSeconds(30);
    clock.advance(Duration.ofSeconds(30));
    converger.answer(p -> FakeConverger.withDrift(List.of(b, a), List.of("tc: RTNETLINK busy")));
    reconciler.kernelChanged("tap101i0");
    reconciler.runOnce();
    NodeMirrorStatus s = reconciler.status();
    assertThat(s.drift())
        .extracting(DriftItem::object, DriftItem::since)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("filter tap101i0 ingress prio 7", T0),
            org.assertj.core.groups.Tuple.tuple("link pspold", t1));

    clock.advance(Duration.ofSeconds(30));
    converger.answer(p -> FakeConverger.withDrift(List.of(b), List.of()));
    reconciler.kernelChanged(null);
    reconciler.runOnce();
    assertThat(reconciler.status().drift())
        .extracting(DriftItem::object, DriftItem::since)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("link pspold", t1));

    // Gone once, back later: a new first-seen time.
    clock.advance(Duration.ofSeconds(30));
    converger.answer(p -> FakeConverger.withDrift(List.of(), List.of()));
    reconciler.kernelChanged(null);
    reconciler.runOnce();
    assertThat(reconciler.status().drift()).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    converger.answer(p -> FakeConverger.withDrift(List.of(a), List.of()));
    reconciler.kernelChanged(null);
    reconciler.runOnce();
    assertThat(reconciler.status().drift())
        .extracting(DriftItem::since)
        .containsExactly(T0.plusSeconds(120));
  }

  @Test
  void conditionsFollowThePlanAndConvergeOutcome() {
    assertThat(conditions().get("PlanAccepted").status()).isEqualTo("False");
    clock.advance(Duration.ofSeconds(1));
    reconciler.accept(Plans.simple(4), PlanSource.STORED);
    Map<String, Condition> c = conditions();
    assertThat(c.get("PlanAccepted").reason()).isEqualTo("PlanLoadedFromDisk");
    assertThat(c.get("Converged").reason()).isEqualTo("ConvergePending");
    assertThat(c.get("Ready").status()).isEqualTo("False");
    assertThat(c.get("Ready").observedGeneration()).isEqualTo(4);

    clock.advance(Duration.ofSeconds(1));
    converger.answer(p -> FakeConverger.withDrift(List.of(), List.of("tc exited 2: x", "y")));
    reconciler.runOnce();
    c = conditions();
    assertThat(c.get("Converged").status()).isEqualTo("False");
    assertThat(c.get("Converged").reason()).isEqualTo("KernelCommandFailed");
    assertThat(c.get("Converged").message()).isEqualTo("tc exited 2: x (and 1 more)");
    assertThat(c.get("Ready").reason()).isEqualTo("KernelCommandFailed");
    Instant readyFalseSince = c.get("Ready").lastTransitionTime();

    clock.advance(Duration.ofSeconds(1));
    converger.answer(FakeConverger::clean);
    reconciler.resyncIfDue();
    reconciler.kernelChanged(null);
    reconciler.runOnce();
    c = conditions();
    assertThat(c.get("Ready").status()).isEqualTo("True");
    assertThat(c.get("Ready").reason()).isEqualTo("AgentReady");
    assertThat(c.get("Ready").lastTransitionTime()).isAfter(readyFalseSince);
    assertThat(c.get("Converged").reason()).isEqualTo("KernelMatchesPlan");
    NodeMirrorStatus s = reconciler.status();
    assertThat(s.appliedGeneration()).isEqualTo(4);
    assertThat(s.appliedDigest()).isEqualTo(Plans.simple(4).digest());
    assertThat(s.capabilities()).isEqualTo(FakeConverger.CAPS);
    assertThat(s.entries()).hasSize(1);
    assertThat(reconciler.stats().convergesTotal()).isEqualTo(2);
    assertThat(reconciler.stats().kernelFailuresTotal()).isEqualTo(2);
  }

  @Test
  void aThrowingConvergerIsReportedNotPropagated() {
    reconciler.accept(Plans.simple(1), PlanSource.PUSHED);
    converger.answer(
        p -> {
          throw new IllegalStateException("boom");
        });
    reconciler.runOnce();
    assertThat(conditions().get("Converged").message()).contains("boom");
  }

  @Test
  void noPlanReasonIsReported() {
    reconciler.noPlan("StoredPlanUnusable", "plan.json: line 1, column 2: bad");
    Condition accepted = conditions().get("PlanAccepted");
    assertThat(accepted.reason()).isEqualTo("StoredPlanUnusable");
    assertThat(accepted.message()).contains("line 1");
  }
}
