package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.lab.KernelSnapshot;
import io.pvespan.agent.lab.Lab;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.Condition;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's state directory full, for real: the real agent (real kernel in a lab namespace) keeps
 * its state on a 64 KiB tmpfs that the test fills to the last byte. A pushed plan is then refused
 * with 500 and the reason (not accepted in memory: an agent restarted after that would bring back
 * an older plan than the one it had acknowledged), the kernel and the stored plan stay byte for
 * byte as they were, no temp file is left behind, status ({@code PlanStored=False}, reason {@code
 * StateNotWritable}) and metrics ({@code pvespan_agent_plan_stored 0}) say why, and the same push
 * works again once there is room (the controller retries failed pushes with backoff).
 */
class StateDirFullIT {
  private static final String SENSOR = "tap900i0";

  @TempDir Path tmp;
  private Lab lab;
  private NetnsName node;
  private Path state;
  private boolean mounted;
  private RealAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    lab = new Lab("pspd");
    node = lab.node("n1");
    lab.vm(node, 101, "198.18.1.101/24", true);
    lab.vm(node, 102, "198.18.1.102/24", true);
    lab.vm(node, 900, null, false);
    state = Files.createDirectories(tmp.resolve("state"));
    Lab.sh("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "pvespan-test", state.toString());
    mounted = true;
  }

  @AfterEach
  void tearDown() {
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      try {
        if (mounted) {
          Lab.sh("umount", state.toString());
        }
      } finally {
        lab.close();
      }
    }
  }

  private static NodeMirrorPlan plan(long generation, int... vmids) {
    List<MirrorEntry> mirrors = new ArrayList<>();
    for (int vmid : vmids) {
      mirrors.add(Plans.local("s1", vmid, SENSOR));
    }
    return NodeMirrorPlan.of(Plans.NODE, generation, mirrors, List.of(), List.of());
  }

  @Test
  void aFullStateDirRefusesThePushKeepsKernelAndStoredPlanAndRecovers() throws Exception {
    agent = RealAgent.start(state, AgentHarness.tokenFile(tmp), node);
    assertThat(agent.put(Plans.json(plan(1, 101))).statusCode()).isEqualTo(202);
    await("tap101i0 active", () -> agent.entryState("tap101i0").orElse("").equals("active"));
    assertThat(agent.condition("PlanStored").status()).isEqualTo("True");
    String kernelBefore = KernelSnapshot.of(node);
    Path stored = state.resolve(PlanStore.FILE);
    byte[] storedBefore = Files.readAllBytes(stored);

    Path filler = state.resolve("filler");
    long filled = fill(filler);

    HttpResponse<String> refused = agent.put(Plans.json(plan(2, 101, 102)));
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(refused.body())
        .contains("plan not persisted")
        .contains("No space left on device")
        .doesNotContain("at io.pvespan");
    Condition c = agent.condition("PlanStored");
    assertThat(c.status()).isEqualTo("False");
    assertThat(c.reason()).isEqualTo("StateNotWritable");
    assertThat(c.message()).contains("generation 2").contains("No space left on device");
    assertThat(agent.get("/metrics")).contains("pvespan_agent_plan_stored 0.0");
    assertThat(agent.status().appliedGeneration()).isEqualTo(1);
    assertThat(agent.get("/v1/plan")).contains("\"generation\":1,");
    assertThat(agent.condition("Ready").status()).as("the old plan is whole").isEqualTo("True");
    assertThat(Files.readAllBytes(stored)).as("the stored plan").isEqualTo(storedBefore);
    try (Stream<Path> files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(PlanStore.FILE, "filler");
    }
    assertThat(KernelSnapshot.of(node)).as("the kernel").isEqualTo(kernelBefore);

    Files.delete(filler);
    assertThat(agent.put(Plans.json(plan(2, 101, 102))).statusCode()).isEqualTo(202);
    await("tap102i0 active", () -> agent.entryState("tap102i0").orElse("").equals("active"));
    assertThat(agent.condition("PlanStored").status()).isEqualTo("True");
    assertThat(agent.get("/metrics")).contains("pvespan_agent_plan_stored 1.0");
    assertThat(new PlanStore(state).load().toString()).contains("generation=2");
    System.out.printf(
        "StateDirFullIT: %d bytes filled the 64 KiB tmpfs; push refused with 500, kernel and"
            + " plan.json unchanged, no temp file; accepted again once freed%n",
        filled);
  }

  /** Writes {@code file} until the file system is full; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    long written = 0;
    byte[] block = new byte[1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        out.flush();
        written += block.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    // The last partial block may have fit byte-wise: fill what is left one byte at a time.
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
        written++;
      }
    } catch (IOException e) {
      // full
    }
    return written;
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
