package io.pvespan.agent;

import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.KernelEvents;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.KernelCapabilities;
import java.time.Duration;
import java.util.List;

/**
 * Where the agent gets its kernel layer: the seam between the process (HTTP, state, loop) and the
 * kernel adapter. {@link AgentMain#kernelPorts()} returns the production wiring; tests pass fakes
 * to {@link AgentRuntime#start}.
 */
public interface KernelPorts {
  Converger converger(AgentOptions options);

  KernelEvents events(AgentOptions options);

  /**
   * No kernel layer: capabilities all false, every converge reports each entry {@code waiting} and
   * one failure line, no events. Lets the process run (and be measured) before the kernel adapter
   * is wired in; it never touches the kernel.
   */
  KernelPorts UNWIRED =
      new KernelPorts() {
        @Override
        public Converger converger(AgentOptions options) {
          return new Converger() {
            @Override
            public KernelCapabilities capabilities() {
              return new KernelCapabilities(
                  false, false, false, false, false, false, false, false, false, false);
            }

            @Override
            public ConvergeReport converge(
                NodeMirrorPlan plan, io.pvespan.agent.engine.Holds held) {
              List<EntryStatus> entries =
                  plan.mirrors().stream()
                      .map(
                          m ->
                              new EntryStatus(
                                  m.session(),
                                  m.device(),
                                  m.direction(),
                                  "waiting",
                                  "no kernel layer in this build",
                                  0,
                                  0))
                      .toList();
              return new ConvergeReport(
                  List.of(),
                  0,
                  entries,
                  List.of("no kernel layer in this build"),
                  0,
                  Duration.ZERO);
            }
          };
        }

        @Override
        public KernelEvents events(AgentOptions options) {
          return new KernelEvents() {
            @Override
            public void start(Listener onChange) {}

            @Override
            public void close() {}
          };
        }
      };
}
