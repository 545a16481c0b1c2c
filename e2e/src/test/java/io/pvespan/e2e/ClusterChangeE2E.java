package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.KernelView;
import io.pvespan.lab.LabPlan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster changes under pvespan: a live migration, a tag set in the Proxmox GUI. */
class ClusterChangeE2E {
  private static final Duration POLL_PLUS_2S = LabSystem.POLL.plusSeconds(2);
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
  void migratedVmIsMirroredOnTheNewNodeAndNothingIsLeftOnTheOld() {
    assertThat(KernelChecks.ours(s.lab, "pve2")).as("pve2 before").isNotEmpty();
    s.lab.migrate(103, "pve3");
    s.cluster.moveGuest(103, "pve3");
    s.inventory = LabPlan.moved(s.inventory, 103, "pve3");
    assertThat(s.plan().mirrorsOf(103)).allMatch(p -> p.node().equals("pve3"));

    E2EAsserts.mirrorsWithin(s, s.plan().mirrorsOf(103), POLL_PLUS_2S);
    // pve2 held only 103's mirror and its tunnel: nothing of ours may stay there.
    Await.until(POLL_PLUS_2S, () -> KernelChecks.ours(s.lab, "pve2").isEmpty());
    assertThat(KernelChecks.ours(s.lab, "pve2")).as("left on pve2").isEmpty();
    E2EAsserts.bytesAtSensor(s, 103, 102);
  }

  @Test
  void tagAddedInProxmoxGetsTheGuestMirroredAfterTheNextPoll() {
    String pve1 = s.lab.topology().nodeNs("pve1");
    assertThat(KernelView.mirrors(pve1, "tap102i0")).as("102 before the tag").isEmpty();
    s.cluster.setTags(102, List.of("dmz", "span-e2e"));
    s.inventory = LabPlan.tagged(s.inventory, 102, List.of("dmz", "span-e2e"));
    assertThat(s.plan().mirrorsOf(102)).as("planned for 102").isNotEmpty();

    E2EAsserts.mirrorsWithin(s, s.plan().mirrorsOf(102), POLL_PLUS_2S);
  }
}
