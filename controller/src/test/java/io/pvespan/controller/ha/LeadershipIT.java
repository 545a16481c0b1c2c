package io.pvespan.controller.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.lab.Await;
import io.pvespan.lab.PostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The election against a real PostgreSQL: one controller's clustered scheduler fires the leader
 * job, which takes the lease; a controller whose lease another took (it was taken for dead) is told
 * it lost and stops leading; a clean close releases the lease at once. (Two schedulers of one
 * cluster cannot share a JVM — Quartz keys them by cluster name — so the failover between two
 * processes is {@code ControllerFailoverE2E}'s.)
 */
class LeadershipIT {
  private static final FailoverTiming TIMING = new FailoverTiming(Duration.ofMillis(800));
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
                TIMING.checkIn(),
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

  /** Records what the campaign tells its controller. */
  static final class Events implements Campaign.Listener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void elected(Lease lease) {
      seen.add("elected " + lease.epoch());
    }

    @Override
    public void lost(Lease lease, String why) {
      seen.add("lost " + lease.epoch() + ": " + why);
    }
  }

  @Test
  void electedByTheClusteredJobThenLostToAnotherThenReleasedOnClose() throws Exception {
    pg.query("UPDATE pvespan_leader SET holder = NULL");
    LeaseTable leases = new LeaseTable(db.dataSource(), ClusteredLeadership.CLUSTER);
    Campaign campaign = new Campaign(leases, "ctl-a", TIMING);
    Events events = new Events();
    try (ClusteredLeadership l =
        ClusteredLeadership.start(db.dataSource(), "ctl-a", TIMING, campaign, events)) {
      assertThat(Await.until(Duration.ofSeconds(20), l::leading)).as("elected").isTrue();
      Lease first = campaign.lease();
      assertThat(leases.current()).contains(first);
      assertThat(pg.query("SELECT instance_name FROM qrtz_scheduler_state"))
          .as("checked in with the cluster")
          .contains("ctl-a");

      // Another controller takes the lease (as after taking ctl-a for dead): ctl-a stops leading.
      Lease other = leases.tryAcquire("ctl-b", Long.MAX_VALUE).orElseThrow();
      assertThat(Await.until(Duration.ofSeconds(5), () -> !l.leading())).as("lost").isTrue();
      assertThat(events.seen)
          .containsExactly(
              "elected " + first.epoch(),
              "lost " + first.epoch() + ": ctl-b leads with epoch " + other.epoch());

      // ctl-b leaves cleanly: the leader job fires again on ctl-a, which leads under a new epoch.
      leases.release(other);
      assertThat(Await.until(Duration.ofSeconds(20), l::leading)).as("elected again").isTrue();
      assertThat(campaign.lease().epoch()).isGreaterThan(other.epoch());
    }
    assertThat(leases.current()).as("released on close").isEmpty();
  }
}
