package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Await;
import io.pvespan.lab.KernelChecks;
import io.pvespan.lab.KernelView;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spec repository changes: a session paused, a broken file committed. */
class SpecChangeE2E {
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
  void pausedSessionLosesItsMirrorsAndOnlyThose() throws Exception {
    String pve1 = s.lab.topology().nodeNs("pve1");
    assertThat(KernelView.mirrors(pve1, "tap101i0")).isNotEmpty();
    s.specs.write("local-web.yaml", E2ESpecs.session("local-web", "vmids: [101]", true));
    assertThat(s.plan().mirrorsOf(101)).as("planned after pausing").isEmpty();

    boolean gone = Await.until(SPEC_RELOAD, () -> KernelView.mirrors(pve1, "tap101i0").isEmpty());
    assertThat(KernelView.mirrors(pve1, "tap101i0")).as("mirrors of the paused session").isEmpty();
    assertThat(gone).isTrue();
    assertThat(KernelChecks.missing(s.lab, s.plan().activeMirrors())).as("the others").isEmpty();
  }

  @Test
  void brokenSpecChangesNothingInTheKernelAndStatusSaysWhy() throws Exception {
    var before = KernelChecks.snapshot(s.lab);
    // One commit: a good change (pausing local-web) and a broken file. Never a partial plan: the
    // good change must not be applied either while the set is broken.
    s.specs.write("local-web.yaml", E2ESpecs.session("local-web", "vmids: [101]", true));
    s.specs.write(
        "broken.yaml",
        E2ESpecs.HEADER
            + "kind: MirrorSession\nmetadata: {name: broken}\nspec:\n"
            + "  sources: {vmids: [102]}\n  sensorRef: no-such-sensor\n");

    String[] status = {""};
    boolean reported =
        Await.until(
            SPEC_RELOAD,
            () -> {
              status[0] = s.cluster.statusText();
              return status[0].contains("broken.yaml");
            });
    assertThat(status[0]).as("./pvespan status names the broken file").contains("broken.yaml");
    assertThat(reported).isTrue();
    assertThat(KernelChecks.snapshot(s.lab)).as("kernel after the broken commit").isEqualTo(before);
  }
}
