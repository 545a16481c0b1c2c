package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.reconcile.GenerationLedger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The reconcile with generations issued by a ledger (as the database issues them with {@code ha:}),
 * against real stand-in agents: pushes carry what the ledger issued, the plans in force follow, and
 * a fenced ledger means no push at all.
 */
class ControllerLedgerIT {
  /** A ledger like the database's: per node, above everything issued before; or fenced. */
  static final class CountingLedger implements GenerationLedger {
    final Map<String, Long> issued = new ConcurrentHashMap<>();
    final AtomicBoolean fenced = new AtomicBoolean();

    CountingLedger startingAt(long g) {
      Harness.NODES.forEach(n -> issued.put(n, g - 1));
      return this;
    }

    @Override
    public long issue(String node, long wanted) {
      if (fenced.get()) {
        throw new Fenced("leadership lost (test)");
      }
      return issued.merge(node, wanted, (last, w) -> Math.max(last + 1, w));
    }
  }

  @Test
  void pushesCarryTheIssuedGenerationAndThePlansInForceFollow() throws Exception {
    CountingLedger ledger = new CountingLedger().startingAt(41);
    try (Harness h = new Harness(ledger, guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      for (String n : Harness.NODES) {
        assertThat(h.agent(n).generationsPut()).as(n).containsExactly(41L);
        assertThat(h.snapshot(n).desiredGeneration()).as(n).isEqualTo(41L);
        assertThat(h.snapshot(n).inSync()).as(n).isTrue();
      }
      h.inventory.inventory =
          Fakes.inventory(
              Harness.NODES, guest(101, "pve1", "running"), guest(102, "pve1", "running"));
      h.pollAndSettle();
      assertThat(h.agent("pve1").generationsPut()).containsExactly(41L, 42L);
      assertThat(h.agent("pve2").generationsPut()).containsExactly(41L);
    }
  }

  /**
   * A new leader whose database is below what an agent holds (the agents were run by a controller
   * without ha: before): the agent's status is read before the first push, which is issued above
   * its claim.
   */
  @Test
  void aGenerationAboveTheDatabasesIsNeverUndercut() throws Exception {
    CountingLedger ledger = new CountingLedger();
    try (Harness h = new Harness(ledger, guest(101, "pve1", "running"))) {
      FakeAgent a = h.agent("pve1");
      a.appliedGeneration = 50;
      a.appliedDigest = "sha256:from-before";
      h.pollAndSettle();
      assertThat(a.generationsPut()).containsExactly(51L);
      assertThat(ledger.issued.get("pve1")).isEqualTo(51L);
      assertThat(h.snapshot("pve1").inSync()).isTrue();
    }
  }

  @Test
  void aFencedLedgerMeansNoPushAndTheNodeSaysWhy() throws Exception {
    CountingLedger ledger = new CountingLedger();
    ledger.fenced.set(true);
    try (Harness h = new Harness(ledger, guest(101, "pve1", "running"))) {
      h.pollAndSettle();
      for (String n : Harness.NODES) {
        assertThat(h.agent(n).generationsPut()).as(n).isEmpty();
        assertThat(h.snapshot(n).inSync()).as(n).isFalse();
        assertThat(h.snapshot(n).lastError()).as(n).contains("not pushed: leadership lost");
      }
    }
  }
}
