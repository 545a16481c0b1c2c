package io.pvespan.agent.engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters since the agent started: converges run, their summed duration (a Prometheus summary
 * without quantiles), kernel command failures reported by those converges, and the copies the
 * budgets of copy conditioners dropped ({@code dropsByConditioner}: the highest count seen per
 * conditioner, kept after it leaves the plan, so that a session's sum never goes down), and the
 * copy guard's factor per session now ({@code guardBySession}: G, the guest devices' filters clone
 * 1/G of what they match; see {@link CopyGuard}).
 */
public record AgentStats(
    long convergesTotal,
    double convergeSecondsSum,
    long kernelFailuresTotal,
    Map<String, CopyDrops> dropsByConditioner,
    Map<String, Integer> guardBySession) {
  public static final AgentStats ZERO = new AgentStats(0, 0, 0);

  public AgentStats {
    dropsByConditioner =
        dropsByConditioner == null ? Map.of() : Map.copyOf(new TreeMap<>(dropsByConditioner));
    guardBySession = guardBySession == null ? Map.of() : Map.copyOf(guardBySession);
  }

  public AgentStats(
      long convergesTotal,
      double convergeSecondsSum,
      long kernelFailuresTotal,
      Map<String, CopyDrops> dropsByConditioner) {
    this(convergesTotal, convergeSecondsSum, kernelFailuresTotal, dropsByConditioner, Map.of());
  }

  /** With the copy guard's factors now. */
  public AgentStats withGuardSamples(Map<String, Integer> now) {
    return new AgentStats(
        convergesTotal, convergeSecondsSum, kernelFailuresTotal, dropsByConditioner, now);
  }

  public AgentStats(long convergesTotal, double convergeSecondsSum, long kernelFailuresTotal) {
    this(convergesTotal, convergeSecondsSum, kernelFailuresTotal, Map.of());
  }

  AgentStats plus(double seconds, int failures) {
    return new AgentStats(
        convergesTotal + 1,
        convergeSecondsSum + seconds,
        kernelFailuresTotal + failures,
        dropsByConditioner,
        guardBySession);
  }

  /** With the drops read now merged in (the highest per conditioner). */
  AgentStats withDrops(List<CopyDrops> now) {
    if (now.isEmpty()) {
      return this;
    }
    Map<String, CopyDrops> merged = new TreeMap<>(dropsByConditioner);
    for (CopyDrops d : now) {
      merged.merge(d.conditioner().value(), d, (a, b) -> a.dropped() >= b.dropped() ? a : b);
    }
    return new AgentStats(
        convergesTotal, convergeSecondsSum, kernelFailuresTotal, merged, guardBySession);
  }

  /** Copies dropped by the budgets, per session. */
  public Map<String, Long> copiesDroppedBySession() {
    Map<String, Long> out = new TreeMap<>();
    dropsByConditioner.values().forEach(d -> out.merge(d.session(), d.dropped(), Long::sum));
    return out;
  }
}
