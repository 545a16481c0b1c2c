package io.pvespan.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Direction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ip/tc monitors in a node namespace: a new tap and a wiped qdisc are reported by name. */
class MonitorEventsIT {
  private Lab lab;
  private NetnsName node;

  @BeforeEach
  void setUp() {
    lab = new Lab();
    node = lab.node("n1");
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  private static void await(Set<String> seen, String dev) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!seen.contains(dev) && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the monitors are asynchronous: poll with a deadline
    }
    assertThat(seen).contains(dev);
  }

  @Test
  void aNewTapAndAWipedQdiscAreReportedAndTheMirrorFollows() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    KernelConverger c = LocalMirrorIT.converger(lab, node);
    lab.vm(node, 900, null, false);
    var plan =
        Plans.plan(1, List.of(Plans.mirror("s1", 101, Direction.BOTH, Plans.local("tap900i0"))));
    assertThat(c.converge(plan).entries().get(0).state()).isEqualTo("waiting");
    try (MonitorEvents events =
        new MonitorEvents(new ProcessCommandRunner(node, Duration.ofSeconds(5)))) {
      events.start(dev -> seen.add(dev == null ? "" : dev));
      long spawnDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      // Give the monitors a moment to subscribe: create devices until one is seen.
      int i = 0;
      while (!seen.contains("pspk" + i) && System.nanoTime() < spawnDeadline) {
        i++;
        Lab.sh(
            "ip",
            "-n",
            node.value(),
            "link",
            "add",
            "pspk" + i,
            "type",
            "veth",
            "peer",
            "name",
            "pspkp" + i);
        long settle = System.nanoTime() + 50_000_000L;
        while (!seen.contains("pspk" + i) && System.nanoTime() < settle) {
          Thread.onSpinWait();
        }
      }
      lab.vm(node, 101, "198.18.1.101/24", true);
      await(seen, "tap101i0");
      assertThat(c.converge(plan).entries().get(0).state()).isEqualTo("active");
      seen.clear();
      Lab.sh("tc", "-n", node.value(), "qdisc", "del", "dev", "tap101i0", "ingress");
      await(seen, "tap101i0");
      ConvergeReport back = c.convergeDevice(plan, "tap101i0");
      assertThat(back.failures()).isEmpty();
      assertThat(back.writes()).isPositive();
      assertThat(back.entries())
          .singleElement()
          .satisfies(e -> assertThat(e.state()).isEqualTo("active"));
      assertThat(c.convergeDevice(plan, "tap101i0").writes()).isZero();
      assertThat(c.converge(plan).writes()).isZero();
    }
  }
}
