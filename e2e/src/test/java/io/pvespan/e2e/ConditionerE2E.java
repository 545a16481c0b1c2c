package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.Iperf;
import io.pvespan.lab.KernelView;
import io.pvespan.lab.SensorCapture;
import io.pvespan.plan.Conditioner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code snaplen} from a spec to the sensor, through the real controller and agents: the plan
 * carries it, the agent builds its copy conditioner, every copy at the sensor is at most 128 bytes
 * while the guests' transfer is whole.
 */
class ConditionerE2E {
  private static final Duration SPEC_RELOAD = Duration.ofSeconds(10);
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
  void snaplenInASpecCutsTheCopiesAtTheSensorAndNotTheGuestsTraffic() throws Exception {
    String pve1 = s.lab.topology().nodeNs("pve1");
    s.specs.write(
        "local-web.yaml",
        E2ESpecs.session("local-web", "vmids: [101]", false) + "  snaplen: 128\n");
    assertThat(s.plan().mirrorsOf(101))
        .isNotEmpty()
        .allSatisfy(
            p -> assertThat(p.entry().conditioner()).isEqualTo(new Conditioner(128, null, null)));
    boolean built =
        Await.until(
            SPEC_RELOAD,
            () ->
                KernelView.pvespanDevices(pve1).stream().anyMatch(d -> d.startsWith("pspq"))
                    && !KernelView.mirrors(pve1, "tap101i0").isEmpty()
                    && KernelView.mirrors(pve1, "tap101i0").stream()
                        .allMatch(m -> m.toDev().startsWith("pspq")));
    assertThat(built).as("the copy conditioner on pve1, the tap mirroring into it").isTrue();

    Path dir = s.work.resolve("captures-snaplen");
    SensorCapture sensor =
        SensorCapture.start(s.lab, s.lab.topology().vmNs(200), "eth1", "ids-1 snaplen", dir);
    SensorCapture guest =
        SensorCapture.start(s.lab, s.lab.topology().vmNs(102), "eth0", "guest 102", dir);
    try {
      Iperf.transfer(s.lab, 101, 102, 20_000_000L);
    } finally {
      sensor.halt();
      guest.halt();
    }
    SensorCapture.Summary copies = sensor.read(3);
    SensorCapture.Summary own = guest.read(3);
    System.out.println("snaplen 128: " + copies + " / " + own);
    assertThat(copies.frames()).as("copies at the sensor").isGreaterThan(1000);
    assertThat(copies.largest()).as("the largest copy").isLessThanOrEqualTo(128);
    assertThat(own.largest()).as("the guest's own frames are whole").isGreaterThan(1000);
  }
}
