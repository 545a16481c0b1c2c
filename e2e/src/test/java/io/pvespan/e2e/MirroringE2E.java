package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.KernelView;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Packets at the sensor: local and cross-node sessions, and without the controller. */
class MirroringE2E {
  private LabSystem s;

  @BeforeEach
  void up() throws Exception {
    s = new LabSystem();
    E2EAsserts.converged(s);
  }

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void localAndCrossNodeSessionsDeliverEveryByteToTheSensor() {
    // 101 (local to the sensor on pve1) talks to 102, which no session mirrors.
    E2EAsserts.bytesAtSensor(s, 101, 102);
    // 103 on pve2: its copies cross the underlay in VXLAN to the sensor on pve1.
    E2EAsserts.bytesAtSensor(s, 103, 102);
    assertThat(KernelView.pvespanDevices(s.lab.topology().nodeNs("pve2"))).isNotEmpty();
  }

  @Test
  void killedControllerLeavesTheMirrorsAndPacketsKeepArriving() {
    var before = KernelChecks.snapshot(s.lab);
    s.cluster.killController();
    E2EAsserts.bytesAtSensor(s, 101, 102);
    E2EAsserts.bytesAtSensor(s, 103, 102);
    assertThat(KernelChecks.snapshot(s.lab)).isEqualTo(before);
  }

  @Test
  void restartedVmIsMirroredAgainWithinASecondWithoutTheController() {
    s.cluster.killController();
    s.lab.restart(101);
    E2EAsserts.mirrorsWithin(s, s.plan().mirrorsOf(101), Duration.ofSeconds(1));
    E2EAsserts.bytesAtSensor(s, 101, 102);
  }
}
