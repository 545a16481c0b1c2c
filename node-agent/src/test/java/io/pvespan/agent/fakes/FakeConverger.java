package io.pvespan.agent.fakes;

import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.Holds;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.KernelCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Records every plan it is asked to converge; answers with a scripted report. Thread-safe. */
public class FakeConverger implements Converger {
  private final List<Set<InterfaceName>> held = new java.util.ArrayList<>();
  public static final KernelCapabilities CAPS =
      new KernelCapabilities(false, false, true, true, true, true, false, false, false, false);

  private final List<NodeMirrorPlan> plans = new ArrayList<>();
  private final List<String> devices = new ArrayList<>();
  private volatile Function<String, ConvergeReport> deviceAnswer =
      d -> new ConvergeReport(List.of(), 0, List.of(), List.of(), 1, Duration.ofMillis(1));
  private volatile Function<NodeMirrorPlan, ConvergeReport> answer = FakeConverger::clean;

  /** Every entry active, no drift, no failure. */
  public static ConvergeReport clean(NodeMirrorPlan plan) {
    List<EntryStatus> entries =
        plan.mirrors().stream()
            .map(
                m ->
                    new EntryStatus(
                        m.session(), m.device(), m.direction(), "active", null, 10, 1000))
            .toList();
    return new ConvergeReport(List.of(), 0, entries, List.of(), 1, Duration.ofMillis(5));
  }

  public static ConvergeReport withDrift(List<DriftItem> drift, List<String> failures) {
    return new ConvergeReport(drift, drift.size(), List.of(), failures, 1, Duration.ofMillis(5));
  }

  public void answer(Function<NodeMirrorPlan, ConvergeReport> next) {
    this.answer = next;
  }

  @Override
  public KernelCapabilities capabilities() {
    return CAPS;
  }

  @Override
  public ConvergeReport converge(NodeMirrorPlan plan, Holds held) {
    synchronized (plans) {
      plans.add(plan);
      this.held.add(Set.copyOf(held.now()));
    }
    return answer.apply(plan);
  }

  /** A narrow converge: recorded apart from full ones ({@link #devices()}), scripted answer. */
  @Override
  public ConvergeReport convergeDevice(NodeMirrorPlan plan, String device, Holds held) {
    synchronized (plans) {
      devices.add(device);
    }
    return deviceAnswer.apply(device);
  }

  public void answerDevice(Function<String, ConvergeReport> next) {
    this.deviceAnswer = next;
  }

  public List<String> devices() {
    synchronized (plans) {
      return List.copyOf(devices);
    }
  }

  public List<NodeMirrorPlan> plans() {
    synchronized (plans) {
      return List.copyOf(plans);
    }
  }

  /** The held devices each full converge was given, in order. */
  public List<Set<InterfaceName>> held() {
    synchronized (plans) {
      return List.copyOf(held);
    }
  }

  public int calls() {
    return plans().size();
  }
}
