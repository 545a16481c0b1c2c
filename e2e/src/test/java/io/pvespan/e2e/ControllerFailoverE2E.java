package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.lab.Await;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabHttp;
import io.pvespan.lab.LabLifecycle.NicRef;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.LifecycleRun;
import io.pvespan.lab.SensorLedger;
import io.pvespan.lab.Traffic;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real controller processes with the same config and {@code ha:} on a real PostgreSQL (started
 * in the controller's namespace), three real agents, traffic from a mirrored guest: the leader is
 * killed with SIGKILL; the other takes over within twice the check-in interval and is in sync with
 * every agent (pushed or read) within it too (both measured and printed), the agents' applied
 * generations never go backwards (each agent's {@code /v1/status} polled throughout), no byte is
 * lost at the sensor across the failover (the mirrors stay in the kernels: the agents keep their
 * plan), and a spec change and a live migration afterwards are followed by the new leader under
 * generations above every earlier one.
 */
class ControllerFailoverE2E {
  static final Duration CHECK_IN = Duration.ofSeconds(2);
  static final int SECOND_PORT = 8781;
  private static final Duration SYNC = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabSystem s;

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  /** The two controllers by API port, once one of them leads and the plans are in force. */
  private record Pair(Map<Integer, Process> byPort, int leader, int standby) {}

  private Pair startPair() throws Exception {
    s = new LabSystem(LabSystem.Setup.standard().withHa(CHECK_IN));
    Process first = s.cluster.controllerProcess();
    Process second = s.cluster.startFurtherController("b", SECOND_PORT);
    Map<Integer, Process> byPort = Map.of(LabCluster.CONTROLLER_PORT, first, SECOND_PORT, second);
    E2EAsserts.converged(s);
    int leader = awaitLeader(byPort.keySet(), SYNC);
    int standby = leader == LabCluster.CONTROLLER_PORT ? SECOND_PORT : LabCluster.CONTROLLER_PORT;
    assertThat(isLeader(standby)).as("exactly one leads").isFalse();
    awaitAllInSync(leader, SYNC);
    System.out.printf("[e2e] leader on :%d, standby on :%d%n", leader, standby);
    return new Pair(byPort, leader, standby);
  }

  @Test
  void theStandbyTakesOverFromAKilledLeaderWithoutAByteLostOrAGenerationBack() throws Exception {
    Pair pair = startPair();
    Map<Integer, Process> byPort = pair.byPort();
    int leader = pair.leader();
    int standby = pair.standby();

    GenerationWatch watch = new GenerationWatch(List.of("pve1", "pve2", "pve3"));
    watch.start();
    NicRef vm101 = new NicRef(101, 0);
    SensorLedger ledger =
        new SensorLedger(
            s.lifecycle, E2EAsserts.both(vm101, new NicRef(103, 0)), vm101, new NicRef(200, 1));
    Traffic traffic =
        Traffic.start(s.lab, 101, 102, 5202, Duration.ofSeconds(14), LiveMigrationE2E.RATE);
    Thread.sleep(2000);
    ledger.mark("before the failover");

    Process victim = byPort.get(leader);
    victim.destroyForcibly(); // SIGKILL
    victim.waitFor();
    long killed = System.nanoTime();
    boolean tookOver = Await.until(Duration.ofSeconds(30), () -> isLeader(standby));
    long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
    long firstPushMs = -1;
    long syncMs = -1;
    while (tookOver && (System.nanoTime() - killed) < SYNC.toNanos() && syncMs < 0) {
      String metrics = s.cluster.controllerGet(standby, "/metrics").body();
      long now = (System.nanoTime() - killed) / 1_000_000;
      if (firstPushMs < 0 && pushes(metrics) > 0) {
        firstPushMs = now;
      }
      if (allInSync(metrics)) {
        syncMs = now;
      }
    }
    System.out.printf(
        "[e2e] leader :%d killed (SIGKILL); :%d leads after %d ms (bound %d ms = 2 x check-in),"
            + " first push after %d ms, in sync with every agent after %d ms%n",
        leader, standby, takeoverMs, 2 * CHECK_IN.toMillis(), firstPushMs, syncMs);
    ledger.mark("failover");
    traffic.await(Duration.ofSeconds(30));
    ledger.markSettled("after the failover");

    assertThat(tookOver).as("the standby leads within 30 s").isTrue();
    assertThat(takeoverMs)
        .as("takeover within twice the check-in interval")
        .isLessThanOrEqualTo(2 * CHECK_IN.toMillis());
    // In charge of every agent (pushed to it, or read that it holds the plan) within 2 x check-in
    // as well: the election takes ~1.5 x, the new leader's first poll, plan and push ~0.5 s.
    assertThat(syncMs)
        .as("the new leader in sync with every agent within twice the check-in interval")
        .isPositive()
        .isLessThanOrEqualTo(2 * CHECK_IN.toMillis());
    LiveMigrationE2E.assertEveryByte(ledger);

    // The new leader follows a spec change: a session for vm 102, pushed above every generation.
    Map<String, Long> beforeChange = watch.latest();
    s.specs.write("after-failover.yaml", E2ESpecs.session("after-failover", "vmids: [102]", false));
    List<LabPlan.Placed> added = s.plan().mirrorsOfSession("after-failover");
    assertThat(added).as("planned mirrors of after-failover").isNotEmpty();
    E2EAsserts.mirrorsWithin(s, s.plan().activeMirrors(), SYNC);
    String node102 = added.get(0).node();
    assertThat(
            Await.until(
                Duration.ofSeconds(10),
                () -> watch.latest().get(node102) > beforeChange.get(node102)))
        .as(
            "the node of vm 102 took a new plan from the new leader (%s -> %s)",
            beforeChange, watch.latest())
        .isTrue();

    // ... and a live migration: 101 moves to pve2 the way Proxmox does it.
    LifecycleRun run = s.lifecycle.liveMigrate(101, "pve2", LiveMigrationE2E.RAM_COPY, phase -> {});
    assertThat(run.failures()).as(run.operation()).isEmpty();
    E2EAsserts.mirrorsWithin(s, s.lifecyclePlan().activeMirrors(), SYNC);
    watch.stop();
    System.out.println("[e2e] applied generations seen per node: " + watch.seen());
    assertThat(watch.backwards()).as("applied generations that went backwards").isEmpty();
    assertThat(watch.failures()).as("status reads that failed").isLessThan(5);
    assertThat(isLeader(standby)).isTrue();
  }

  /**
   * A leader that stops (SIGSTOP: a long pause, as a partition would look) is taken for dead; the
   * standby takes over and follows a spec change. When the old leader resumes, with a schedule that
   * fires at once, it pushes nothing (the database refuses it a generation: its epoch is gone),
   * sees the lease lost and exits (75) for its unit to restart it as a standby; no agent's
   * generation goes back.
   */
  @Test
  void aPausedLeaderThatResumesIsFencedAndExits() throws Exception {
    Pair pair = startPair();
    Process old = pair.byPort().get(pair.leader());
    GenerationWatch watch = new GenerationWatch(List.of("pve1", "pve2", "pve3"));
    watch.start();

    signal("STOP", old);
    long paused = System.nanoTime();
    boolean tookOver = Await.until(Duration.ofSeconds(30), () -> isLeader(pair.standby()));
    System.out.printf(
        "[e2e] leader :%d paused (SIGSTOP); :%d leads after %d ms%n",
        pair.leader(), pair.standby(), (System.nanoTime() - paused) / 1_000_000);
    assertThat(tookOver).as("the standby leads").isTrue();
    s.specs.write("while-paused.yaml", E2ESpecs.session("while-paused", "vmids: [102]", false));
    E2EAsserts.mirrorsWithin(s, s.plan().activeMirrors(), SYNC);
    awaitAllInSync(pair.standby(), SYNC);
    Map<String, Long> beforeResume = watch.readNow();

    signal("CONT", old);
    assertThat(old.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("the old leader exits once it sees the lease lost")
        .isTrue();
    assertThat(old.exitValue()).as("exit status (EX_TEMPFAIL: restart me)").isEqualTo(75);
    Thread.sleep(2 * CHECK_IN.toMillis());
    watch.stop();
    System.out.println("[e2e] applied generations seen per node: " + watch.seen());
    assertThat(watch.backwards()).as("applied generations that went backwards").isEmpty();
    assertThat(watch.latest()).as("nothing pushed after the resume").isEqualTo(beforeResume);
    String log = java.nio.file.Files.readString(s.cluster.log(logName(pair.leader())));
    String afterResume = log.substring(Math.max(0, log.lastIndexOf("leadership (epoch")));
    assertThat(afterResume)
        .as("the old leader's log after it resumed")
        .contains("lost")
        .doesNotContain("applied");
    assertThat(isLeader(pair.standby())).isTrue();
    E2EAsserts.mirrorsWithin(s, s.plan().activeMirrors(), Duration.ofSeconds(1));
  }

  /**
   * A clean stop (SIGTERM, as {@code systemctl stop} or an upgrade does) frees the lease at once:
   * the standby leads without waiting for the failure threshold, and the old leader's hooks ran.
   */
  @Test
  void aStoppedLeaderHandsOverWithoutWaitingForTheFailureThreshold() throws Exception {
    Pair pair = startPair();
    Process old = pair.byPort().get(pair.leader());
    old.destroy(); // SIGTERM
    long stopped = System.nanoTime();
    boolean tookOver = Await.until(Duration.ofSeconds(30), () -> isLeader(pair.standby()));
    long ms = (System.nanoTime() - stopped) / 1_000_000;
    System.out.printf(
        "[e2e] leader :%d stopped (SIGTERM); :%d leads after %d ms%n",
        pair.leader(), pair.standby(), ms);
    assertThat(tookOver).as("the standby leads").isTrue();
    assertThat(old.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // 143 = 128 + SIGTERM: how the JVM ends after its shutdown hooks (systemd counts it as a stop).
    assertThat(old.exitValue()).as("a clean stop").isEqualTo(143);
    assertThat(ms)
        .as("handed over within twice the check-in")
        .isLessThanOrEqualTo(2 * CHECK_IN.toMillis());
    String log = java.nio.file.Files.readString(s.cluster.log(logName(pair.leader())));
    assertThat(log).as("the old leader's log").contains("lease released");
    awaitAllInSync(pair.standby(), SYNC);
  }

  private static String logName(int port) {
    return port == LabCluster.CONTROLLER_PORT ? "controller" : "controller-b";
  }

  private static void signal(String signal, Process p) {
    io.pvespan.lab.Exec.run("/usr/bin/kill", "-" + signal, String.valueOf(p.pid()));
  }

  private boolean isLeader(int port) {
    LabHttp.Response r = s.cluster.controllerGet(port, "/metrics");
    return r.ok()
        && r.body().lines().anyMatch(l -> l.matches("pvespan_controller_leader 1(\\.0)?"));
  }

  private int awaitLeader(Iterable<Integer> ports, Duration timeout) {
    int[] found = {0};
    boolean one =
        Await.until(
            timeout,
            () -> {
              List<Integer> leaders = new ArrayList<>();
              ports.forEach(
                  p -> {
                    if (isLeader(p)) {
                      leaders.add(p);
                    }
                  });
              assertThat(leaders).as("controllers that lead").hasSizeLessThanOrEqualTo(1);
              found[0] = leaders.isEmpty() ? 0 : leaders.get(0);
              return found[0] != 0;
            });
    assertThat(one).as("a leader within %s", timeout).isTrue();
    return found[0];
  }

  private boolean allInSync(int port) {
    LabHttp.Response r = s.cluster.controllerGet(port, "/metrics");
    return r.ok() && allInSync(r.body());
  }

  /** Every node's {@code pvespan_controller_node_in_sync} is 1 in this scrape. */
  private boolean allInSync(String metrics) {
    long synced =
        metrics
            .lines()
            .filter(
                l -> l.startsWith("pvespan_controller_node_in_sync{") && l.matches(".* 1(\\.0)?"))
            .count();
    return synced == s.lab.topology().nodes().size();
  }

  /** The controller's accepted pushes, all nodes. */
  private static double pushes(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("pvespan_controller_node_plan_pushes_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private void awaitAllInSync(int port, Duration timeout) {
    assertThat(Await.until(timeout, () -> allInSync(port)))
        .as("controller :%d in sync with every agent within %s", port, timeout)
        .isTrue();
  }

  /** Polls every agent's applied generation on its own thread; remembers any step backwards. */
  private final class GenerationWatch {
    private final List<String> nodes;
    private final Map<String, List<Long>> seen = new TreeMap<>();
    private final List<String> backwards = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private int failures;
    private Thread thread;

    GenerationWatch(List<String> nodes) {
      this.nodes = nodes;
      nodes.forEach(n -> seen.put(n, new ArrayList<>()));
    }

    void start() {
      thread = new Thread(this::run, "generation-watch");
      thread.setDaemon(true);
      thread.start();
      assertThat(Await.until(Duration.ofSeconds(10), () -> latest().size() == nodes.size()))
          .as("every agent's generation read")
          .isTrue();
    }

    private void run() {
      while (!stop.get()) {
        for (String node : nodes) {
          read(node);
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Reads every agent now (after the watch's reads in flight) and returns the latest. */
    Map<String, Long> readNow() {
      nodes.forEach(this::read);
      return latest();
    }

    /**
     * One read, the request included under the lock: reads never overlap, so a slower older answer
     * can never be recorded after a newer one.
     */
    private synchronized void read(String node) {
      long g;
      try {
        LabHttp.Response r = s.cluster.agentStatus(node);
        if (!r.ok()) {
          throw new IOException("HTTP " + r.status());
        }
        JsonNode status = JSON.readTree(r.body());
        g = status.path("appliedGeneration").asLong(-1);
      } catch (IOException | RuntimeException e) {
        failures++;
        return;
      }
      List<Long> list = seen.get(node);
      long last = list.isEmpty() ? Long.MIN_VALUE : list.get(list.size() - 1);
      if (g < last) {
        backwards.add(node + ": " + last + " -> " + g);
      }
      if (g != last) {
        list.add(g);
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(10_000);
      nodes.forEach(this::read); // one last look
    }

    synchronized Map<String, Long> latest() {
      Map<String, Long> out = new TreeMap<>();
      seen.forEach(
          (n, l) -> {
            if (!l.isEmpty()) {
              out.put(n, l.get(l.size() - 1));
            }
          });
      return out;
    }

    synchronized Map<String, List<Long>> seen() {
      return new TreeMap<>(seen);
    }

    synchronized List<String> backwards() {
      return List.copyOf(backwards);
    }

    synchronized int failures() {
      return failures;
    }
  }
}
