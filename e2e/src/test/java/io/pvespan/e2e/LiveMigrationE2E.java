package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.LabLifecycle;
import io.pvespan.lab.LabLifecycle.NicRef;
import io.pvespan.lab.LifecycleRun;
import io.pvespan.lab.SensorLedger;
import io.pvespan.lab.Traffic;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live migrations replayed in Proxmox's order and timing ({@link LabLifecycle#liveMigrate}) while
 * traffic runs, the controller at its default poll interval (10 s): every byte a mirrored guest
 * sends or receives reaches the sensor, before, during and after the switchover.
 */
class LiveMigrationE2E {
  static final Duration RAM_COPY = Duration.ofSeconds(2);
  static final long RATE = 20_000_000; // bit/s each way: the copies must not queue on 2 cores

  private LabSystem s;

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void sourceGuestMigratesLocalToRemoteAndBackWithEveryByteAtTheSensor() throws Exception {
    s = new LabSystem(LabSystem.Setup.controllerDefaults());
    E2EAsserts.converged(s);
    // Sensor ids-1 is 200 net1 on pve1; local-web mirrors 101 (pve1), cross-proxy 103 (pve2).
    NicRef vm101 = new NicRef(101, 0);
    SensorLedger ledger =
        new SensorLedger(
            s.lifecycle, E2EAsserts.both(vm101, new NicRef(103, 0)), vm101, new NicRef(200, 1));
    Traffic traffic = Traffic.start(s.lab, 101, 102, 5202, Duration.ofSeconds(14), RATE);
    Thread.sleep(1500);

    ledger.mark("before (101 on pve1, local)");
    migrate(ledger, 101, "pve2", "local -> remote");
    Thread.sleep(2000);
    ledger.mark("after, on pve2 (remote)");
    migrate(ledger, 101, "pve1", "remote -> local");
    traffic.await(Duration.ofSeconds(30));
    ledger.markSettled("after, back on pve1 (local)");

    assertEveryByte(ledger);
  }

  @Test
  void sensorMigratesWhileSourcesOnThreeNodesSendAndGetsEveryCopyFromWhenItResumes()
      throws Exception {
    // 102 starts on pve3 and gets a session of its own: sources 101 (pve1), 103 (pve2), 102 (pve3).
    s =
        new LabSystem(
            LabSystem.Setup.controllerDefaults()
                .moving(102, "pve3")
                .withSpec("third.yaml", E2ESpecs.session("third", "vmids: [102]", false)));
    E2EAsserts.converged(s);
    NicRef vm101 = new NicRef(101, 0);
    SensorLedger ledger =
        new SensorLedger(
            s.lifecycle,
            E2EAsserts.both(vm101, new NicRef(102, 0), new NicRef(103, 0)),
            vm101,
            new NicRef(200, 1));
    Traffic a = Traffic.start(s.lab, 101, 102, 5202, Duration.ofSeconds(10), RATE / 2);
    Traffic b = Traffic.start(s.lab, 103, 102, 5203, Duration.ofSeconds(10), RATE / 2);
    Thread.sleep(1500);

    ledger.mark("before (sensor 200 on pve1)");
    migrate(ledger, 200, "pve2", "sensor pve1 -> pve2");
    a.await(Duration.ofSeconds(30));
    b.await(Duration.ofSeconds(30));
    ledger.markSettled("after (sensor on pve2)");

    assertEveryByte(ledger, SENSOR_DOWNTIME);
  }

  private void migrate(SensorLedger ledger, int vmid, String target, String what) {
    LifecycleRun run =
        s.lifecycle.liveMigrate(
            vmid,
            target,
            RAM_COPY,
            phase ->
                ledger.mark(
                    switch (phase) {
                      case TARGET_READY -> what + ": target ready";
                      case RESUMED -> what + ": copy, flip, resume";
                    }));
    ledger.mark(what + ": source gone");
    System.out.println("[e2e] " + run.operation());
    run.timeline().forEach(l -> System.out.println("[e2e]   " + l));
    assertThat(run.failures()).as(run.operation()).isEmpty();
  }

  /**
   * Per phase the guest's and the sensor's counters are read in one snapshot (sensor last): a copy
   * still on its way (VXLAN on two busy cores) counts in the next phase, so a phase may differ by
   * what is in flight. Over the whole run no copy may be missing. The sensor may get more than the
   * guest counted: frames the bridge still sent to the source's tap after the guest left it (the
   * kernel disables a bridge port only when linkwatch reports the lost carrier) are mirrored there
   * but never reach the guest, whose TCP sends them again.
   */
  static void assertEveryByte(SensorLedger ledger) {
    assertEveryByte(ledger, 0);
  }

  /**
   * {@code lostAllowed}: copies that may be lost over the run. When the sensor VM itself migrates,
   * its capture NIC is swapped in the lab's one-process stand-in for QEMU's stop-and-copy: copies
   * arriving in that window reach no running sensor (a real paused VM loses them too). Seen once in
   * four CI runs: 307,088 B, about 30 ms of these flows; 0 in the others.
   */
  static void assertEveryByte(SensorLedger ledger, long lostAllowed) {
    ledger.phases().forEach(p -> System.out.println("[e2e] " + p));
    SensorLedger.Phase total = ledger.total();
    System.out.println("[e2e] " + total);
    assertThat(total.guestBytes()).as("the guest's traffic").isGreaterThan(10_000_000);
    for (SensorLedger.Phase p : ledger.phases()) {
      assertThat(Math.abs(p.unmirrored()))
          .as("%s: at most what is in flight", p.name())
          .isLessThanOrEqualTo(IN_FLIGHT + lostAllowed);
    }
    assertThat(total.unmirrored())
        .as("copies missing at the sensor")
        .isLessThanOrEqualTo(lostAllowed);
    assertThat(-total.unmirrored())
        .as("copies of frames the guest never received")
        .isLessThanOrEqualTo(STALE_TAP);
  }

  /** 128 KB: about 25 ms of the flows here. */
  static final long IN_FLIGHT = 128 * 1024;

  /** The sensor VM's own switchover window, in bytes of these flows: 512 KB (~50 ms). */
  static final long SENSOR_DOWNTIME = 512 * 1024;

  /** 256 KB per run. */
  static final long STALE_TAP = 256 * 1024;
}
