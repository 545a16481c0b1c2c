package io.pvespan.agent.engine;

/**
 * Counters since the agent started: converges run, their summed duration (a Prometheus summary
 * without quantiles), and kernel command failures reported by those converges.
 */
public record AgentStats(long convergesTotal, double convergeSecondsSum, long kernelFailuresTotal) {
  public static final AgentStats ZERO = new AgentStats(0, 0, 0);

  AgentStats plus(double seconds, int failures) {
    return new AgentStats(
        convergesTotal + 1, convergeSecondsSum + seconds, kernelFailuresTotal + failures);
  }
}
