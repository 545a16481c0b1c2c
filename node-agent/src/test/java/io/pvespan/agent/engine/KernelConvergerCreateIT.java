package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The production factory probes the real kernel, also for an agent driving another namespace
 * ({@code --netns}, as in the lab): the scratch probe namespace must be created from the agent's
 * own namespace (an {@code ip -n X netns add} leaves an unusable namespace file behind).
 */
class KernelConvergerCreateIT {
  @Test
  void probesTheKernelForANamespacedAgentAndLeavesNoProbeNamespace() throws IOException {
    try (Lab lab = new Lab()) {
      var node = lab.node("n1");

      var converger = KernelConverger.create(node, Clock.systemUTC());

      var caps = converger.capabilities();
      assertThat(caps.u32()).as("u32").isTrue();
      assertThat(caps.mirred()).as("mirred").isTrue();
      assertThat(caps.vxlan()).as("vxlan").isTrue();
      try (Stream<Path> left = Files.list(Path.of("/run/netns"))) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.startsWith("pspprobe-"));
      }
    }
  }
}
