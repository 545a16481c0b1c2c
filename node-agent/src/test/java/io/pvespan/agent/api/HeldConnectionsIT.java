package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody can hold the agent's API: with 64 connections open that never send a byte (half-open, a
 * slowloris), health checks and an authenticated plan push still get through in time. The bound
 * here is a correctness bound (the server must not be frozen), not a speed claim.
 */
class HeldConnectionsIT {
  @TempDir Path tmp;

  @Test
  void sixtyFourSilentConnectionsDoNotFreezeTheApi() throws Exception {
    try (AgentHarness agent = AgentHarness.start(tmp.resolve("state"), tmp)) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 64; i++) {
          held.add(new Socket("127.0.0.1", agent.port()));
        }
        Thread.sleep(200); // the server has accepted them and handed them to its threads
        long t0 = System.nanoTime();
        assertThat(agent.get("/healthz", false).statusCode()).isEqualTo(200);
        assertThat(agent.put(Plans.json(Plans.simple(1))).statusCode()).isEqualTo(202);
        assertThat(agent.get("/v1/status", true).statusCode()).isEqualTo(200);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("answered within 6 s while 64 connections are held").isLessThan(6_000);
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
