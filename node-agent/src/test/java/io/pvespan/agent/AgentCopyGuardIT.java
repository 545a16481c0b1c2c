package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Bandwidth;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.NodeMirrorPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy guard in the real agent (real kernel in a lab namespace, its own 1 s loop and work
 * queue): a heavy stream through a 10 Mbit/s budget raises G (the gauge), the tap's filter becomes
 * the guarded program, the entry stays active and no drift is reported; once the stream ends G
 * falls back to 1.
 */
class AgentCopyGuardIT {
  private static final String SENSOR = "tap900i0";

  @TempDir Path tmp;
  private Lab lab;
  private NetnsName node;
  private NetnsName vmA;
  private NetnsName vmB;
  private RealAgent agent;

  @BeforeEach
  void setUp() {
    lab = new Lab("pspg");
    node = lab.node("n1");
    vmA = lab.vm(node, 101, "198.18.9.101/24", true);
    vmB = lab.vm(node, 102, "198.18.9.102/24", true);
    lab.vm(node, 900, null, false);
  }

  @AfterEach
  void tearDown() {
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      lab.close();
    }
  }

  private long guardSample() throws Exception {
    Matcher m =
        Pattern.compile("(?m)^pvespan_agent_copy_guard_sample\\{session=\"s1\"\\} (\\S+)$")
            .matcher(agent.get("/metrics"));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aHeavyStreamRaisesTheFactorWithoutDriftAndItFallsBackWhenTheStreamEnds() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    agent = RealAgent.start(state, AgentHarness.tokenFile(tmp), node);
    NodeMirrorPlan plan =
        NodeMirrorPlan.of(
            Plans.NODE,
            1,
            List.of(
                Plans.local("s1", 101, SENSOR)
                    .conditioned(new Conditioner(null, Bandwidth.parse("10Mbit"), null))),
            List.of(),
            List.of());
    assertThat(agent.put(Plans.json(plan)).statusCode()).isEqualTo(202);
    await("tap101i0 active", () -> agent.entryState("tap101i0").orElse("").equals("active"));

    Process server =
        new ProcessBuilder("ip", "netns", "exec", vmB.value(), "iperf3", "-s", "-1", "-p", "5304")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Process client = null;
    try {
      Thread.sleep(300);
      client =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  vmA.value(),
                  "iperf3",
                  "-c",
                  "198.18.9.102",
                  "-p",
                  "5304",
                  "-t",
                  "8")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      await("the guard raises G", () -> guardSample() > 1);
      long raised = guardSample();
      await(
          "the guarded filter in place",
          () ->
              Lab.sh("tc", "-n", node.value(), "filter", "show", "dev", "tap101i0", "ingress")
                  .contains("bytecode"));
      assertThat(agent.entryState("tap101i0")).contains("active");
      assertThat(agent.status().drift()).as("a guard change is no drift").isEmpty();
      System.out.println("copy guard in the real agent: G=" + raised);
      assertThat(client.waitFor()).isZero();
    } finally {
      if (client != null) {
        client.destroyForcibly();
      }
      server.destroyForcibly();
      server.waitFor();
    }
    await("G back to 1 once the stream ended", () -> guardSample() == 1);
    await(
        "the tap's filter unguarded again",
        () ->
            !Lab.sh("tc", "-n", node.value(), "filter", "show", "dev", "tap101i0", "ingress")
                .contains("bytecode"));
    assertThat(agent.status().drift()).isEmpty();
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
