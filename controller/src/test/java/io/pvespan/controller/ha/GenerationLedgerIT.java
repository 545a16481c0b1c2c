package io.pvespan.controller.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.reconcile.GenerationLedger;
import io.pvespan.lab.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database side of high availability against a real PostgreSQL (started by the test, in a temp
 * dir, as the postgres user): the tables created idempotently, the lease, and generations issued
 * under it — monotone per node, above what was asked, and refused to a controller whose epoch is no
 * longer in force, also while it races the new leader's acquisition.
 */
class GenerationLedgerIT {
  private static final String CLUSTER = ClusteredLeadership.CLUSTER;
  private static PostgresServer pg;
  private static HaDatabase db;

  @BeforeAll
  static void up() {
    pg = PostgresServer.startLocal();
    db =
        HaDatabase.open(
            new ControllerConfig.Ha(
                pg.jdbcUrl(),
                PostgresServer.USER,
                new ControllerConfig.Secret(pg.password()),
                Duration.ofSeconds(2),
                "it"));
  }

  @AfterAll
  static void down() {
    if (db != null) {
      db.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void clean() {
    pg.query(
        "UPDATE pvespan_leader SET holder = NULL; DELETE FROM pvespan_generation;"
            + " DELETE FROM qrtz_scheduler_state");
  }

  @Test
  void tablesAreCreatedAgainAndConcurrentlyWithoutHarm() throws Exception {
    var errors = new ConcurrentLinkedQueue<Throwable>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  HaDatabase.createTables(db.dataSource());
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(errors).isEmpty();
    assertThat(pg.query("SELECT count(*) FROM pvespan_leader")).containsExactly("1");
    assertThat(pg.query("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'qrtz_%'"))
        .containsExactly("11");
  }

  @Test
  void generationsRiseByOneFromWhatWasAskedAndNeverGoBack() throws Exception {
    LeaseTable leases = new LeaseTable(db.dataSource(), CLUSTER);
    Lease a = leases.tryAcquire("a", System.currentTimeMillis()).orElseThrow();
    var ledger = new PostgresGenerationLedger(db.dataSource(), () -> a);

    assertThat(ledger.issue("pve1", 7)).as("first: what was asked").isEqualTo(7);
    assertThat(ledger.issue("pve1", 7)).as("asked again: one above").isEqualTo(8);
    assertThat(ledger.issue("pve1", 3)).as("asked lower: still one above").isEqualTo(9);
    assertThat(ledger.issue("pve1", 40)).as("asked above: that").isEqualTo(40);
    assertThat(ledger.issue("pve2", 1)).as("per node").isEqualTo(1);
    assertThat(pg.query("SELECT node, generation FROM pvespan_generation ORDER BY node"))
        .containsExactly("pve1|40", "pve2|1");
  }

  @Test
  void theLastGenerationIsNeverWrapped() throws Exception {
    LeaseTable leases = new LeaseTable(db.dataSource(), CLUSTER);
    Lease a = leases.tryAcquire("a", System.currentTimeMillis()).orElseThrow();
    var ledger = new PostgresGenerationLedger(db.dataSource(), () -> a);
    assertThat(ledger.issue("pve1", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ledger.issue("pve1", 1))
        .isInstanceOf(GenerationLedger.Fenced.class)
        .hasMessageContaining("out of range");
    assertThat(pg.query("SELECT generation FROM pvespan_generation WHERE node = 'pve1'"))
        .containsExactly(String.valueOf(Long.MAX_VALUE));
  }

  @Test
  void aLiveHolderKeepsTheLeaseADeadOneLosesItAndItsLedgerIsFenced() throws Exception {
    LeaseTable leases = new LeaseTable(db.dataSource(), CLUSTER);
    long now = System.currentTimeMillis();
    Lease a = leases.tryAcquire("a", now - 2500).orElseThrow();
    checkIn("a", now);
    assertThat(leases.tryAcquire("b", now - 2500)).as("a checked in just now").isEmpty();
    assertThat(leases.holds(a)).isTrue();
    var ledgerA = new PostgresGenerationLedger(db.dataSource(), () -> a);
    long last = ledgerA.issue("pve1", 5);

    // a falls silent: its last check-in is before the failure threshold.
    Lease b = leases.tryAcquire("b", now + 1).orElseThrow();
    assertThat(b.epoch()).isGreaterThan(a.epoch());
    assertThat(leases.holds(a)).isFalse();
    assertThatThrownBy(() -> ledgerA.issue("pve1", 6))
        .isInstanceOf(GenerationLedger.Fenced.class)
        .hasMessageContaining("leadership lost");
    var ledgerB = new PostgresGenerationLedger(db.dataSource(), () -> b);
    assertThat(ledgerB.issue("pve1", 1)).as("the new leader starts above").isEqualTo(last + 1);
    assertThatThrownBy(
            () -> new PostgresGenerationLedger(db.dataSource(), () -> null).issue("x", 1))
        .isInstanceOf(GenerationLedger.Fenced.class);

    // a clean release hands over at once, even to a controller whose holder is alive
    checkIn("b", System.currentTimeMillis());
    leases.release(b);
    assertThat(leases.current()).isEmpty();
    assertThat(leases.tryAcquire("c", 0)).isPresent();
  }

  /**
   * The old leader issues as fast as it can while the new one acquires: every generation the old
   * one obtained is below every one the new one obtains, and after the acquisition it obtains none.
   */
  @Test
  void anOldLeaderRacingTheNewOneNeverGetsAGenerationAboveIt() throws Exception {
    LeaseTable leases = new LeaseTable(db.dataSource(), CLUSTER);
    Lease a = leases.tryAcquire("a", System.currentTimeMillis()).orElseThrow();
    var ledgerA = new PostgresGenerationLedger(db.dataSource(), () -> a);
    List<Long> issuedToA = new ArrayList<>();
    AtomicReference<Throwable> fenced = new AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread old =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  long g = ledgerA.issue("pve1", 1);
                  synchronized (issuedToA) {
                    issuedToA.add(g);
                  }
                }
              } catch (GenerationLedger.Fenced e) {
                fenced.set(e);
              }
            });
    old.start();
    Thread.sleep(300);
    Lease b = leases.tryAcquire("b", System.currentTimeMillis() + 1).orElseThrow();
    var ledgerB = new PostgresGenerationLedger(db.dataSource(), () -> b);
    long firstOfB = ledgerB.issue("pve1", 1);
    old.join(5000);
    stop.set(true);
    assertThat(fenced.get()).as("the old leader was fenced").isNotNull();
    synchronized (issuedToA) {
      assertThat(issuedToA).as("the old leader issued some first").isNotEmpty();
      assertThat(issuedToA).allSatisfy(g -> assertThat(g).isLessThan(firstOfB));
      System.out.printf(
          "[it] old leader: %d generations up to %d, fenced: %s; new leader from %d%n",
          issuedToA.size(),
          issuedToA.get(issuedToA.size() - 1),
          fenced.get().getMessage(),
          firstOfB);
    }
  }

  private static void checkIn(String instance, long at) {
    pg.query(
        "INSERT INTO qrtz_scheduler_state VALUES ('"
            + CLUSTER
            + "', '"
            + instance
            + "', "
            + at
            + ", 1000) ON CONFLICT (sched_name, instance_name) DO UPDATE SET last_checkin_time = "
            + at);
  }
}
