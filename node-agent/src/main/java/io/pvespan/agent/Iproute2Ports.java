package io.pvespan.agent;

import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.engine.KernelEvents;
import io.pvespan.agent.engine.MonitorEvents;
import io.pvespan.agent.kernel.NetnsName;
import java.time.Clock;

/**
 * The production kernel layer: {@link KernelConverger} (tc/ip through the iproute2 adapter,
 * capabilities probed at creation) and {@link MonitorEvents} ({@code ip monitor link} and {@code tc
 * monitor}) sharing its command runner, so both act in the same network namespace ({@code --netns}
 * in the lab, the agent's own namespace in production).
 */
final class Iproute2Ports implements KernelPorts {
  private final Clock clock;
  private KernelConverger converger;

  Iproute2Ports(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Converger converger(AgentOptions options) {
    if (converger == null) {
      converger = KernelConverger.create(options.netns().map(NetnsName::new).orElse(null), clock);
    }
    return converger;
  }

  @Override
  public synchronized KernelEvents events(AgentOptions options) {
    return new MonitorEvents(((KernelConverger) converger(options)).runner());
  }
}
