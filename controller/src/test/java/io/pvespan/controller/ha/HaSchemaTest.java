package io.pvespan.controller.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema file is safe to apply at every start; the failover clock meets its bound. */
class HaSchemaTest {
  @Test
  void everyStatementIsIdempotentAndNoneDropsAnything() {
    List<String> statements = HaDatabase.statements();
    assertThat(statements).hasSizeGreaterThan(12);
    for (String sql : statements) {
      String s = sql.toUpperCase(java.util.Locale.ROOT);
      assertThat(s).as(sql).doesNotContain("DROP ").doesNotContain("DELETE ").doesNotContain(";");
      assertThat(
              s.startsWith("CREATE TABLE IF NOT EXISTS ")
                  || s.startsWith("CREATE INDEX IF NOT EXISTS ")
                  || s.startsWith("INSERT INTO PVESPAN_LEADER") && s.contains("ON CONFLICT"))
          .as(sql)
          .isTrue();
    }
    // Every table Quartz's PostgreSQL delegate reads or writes.
    assertThat(String.join("\n", statements))
        .contains(
            "qrtz_job_details",
            "qrtz_triggers",
            "qrtz_simple_triggers",
            "qrtz_cron_triggers",
            "qrtz_simprop_triggers",
            "qrtz_blob_triggers",
            "qrtz_calendars",
            "qrtz_paused_trigger_grps",
            "qrtz_fired_triggers",
            "qrtz_scheduler_state",
            "qrtz_locks",
            "pvespan_leader",
            "pvespan_generation");
  }

  @Test
  void aDeadLeaderIsReplacedWithinTwiceTheCheckIn() {
    for (long ms : new long[] {500, 2000, 10_000}) {
      FailoverTiming t = new FailoverTiming(Duration.ofMillis(ms));
      assertThat(t.quartzCheckInMillis()).isEqualTo(ms / 4);
      // worst case: silent for the threshold, then the survivor's next check-in: 1.25 I, which
      // leaves more than half an interval for the new leader's first push
      long worst = t.failedAfterMillis() + t.quartzCheckInMillis();
      assertThat(worst).as("check-in %d ms", ms).isLessThanOrEqualTo(5 * ms / 4);
      // a leader is only taken for dead after missing four check-ins in a row
      assertThat(t.failedAfterMillis()).isGreaterThanOrEqualTo(4 * t.quartzCheckInMillis());
    }
    assertThatThrownBy(() -> new FailoverTiming(Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quartzRunsClusteredOnPostgresWithTheFasterFailureRule() {
    var p =
        ClusteredLeadership.properties("ctl-a", "ds", new FailoverTiming(Duration.ofSeconds(2)));
    assertThat(p.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("true");
    assertThat(p.getProperty("org.quartz.jobStore.class"))
        .isEqualTo(FailoverJobStore.class.getName());
    assertThat(p.getProperty("org.quartz.jobStore.driverDelegateClass"))
        .isEqualTo("org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    assertThat(p.getProperty("org.quartz.jobStore.clusterCheckinInterval")).isEqualTo("500");
    assertThat(p.getProperty("org.quartz.scheduler.instanceName"))
        .isEqualTo(ClusteredLeadership.CLUSTER);
    assertThat(p.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("ctl-a");
    var fast =
        ClusteredLeadership.properties("x", "ds", new FailoverTiming(Duration.ofMillis(500)));
    assertThat(Long.parseLong(fast.getProperty("org.quartz.scheduler.idleWaitTime")))
        .as("Quartz refuses less than 1 s")
        .isGreaterThanOrEqualTo(1000);
  }
}
