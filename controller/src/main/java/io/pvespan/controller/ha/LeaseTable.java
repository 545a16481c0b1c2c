package io.pvespan.controller.ha;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The leadership lease in {@code pvespan_leader} (one row). A controller acquires it only when it
 * is free or its holder is dead, dead meaning what Quartz's cluster means by it: no check-in in
 * {@code qrtz_scheduler_state} for the failure threshold (a recovered instance's row is deleted).
 * Every acquisition raises the epoch. Statements are single and short; each method's contract is
 * atomic in the database.
 */
public final class LeaseTable {
  private static final String ACQUIRE =
      "UPDATE pvespan_leader SET holder = ?, epoch = epoch + 1, acquired_at = now()"
          + " WHERE id = 1 AND (holder IS NULL OR holder = ? OR NOT EXISTS ("
          + "  SELECT 1 FROM qrtz_scheduler_state s WHERE s.sched_name = ?"
          + "  AND s.instance_name = pvespan_leader.holder AND s.last_checkin_time > ?))"
          + " RETURNING epoch";

  private final DataSource db;
  private final String cluster;

  /**
   * @param cluster Quartz's scheduler name, shared by the controllers ({@code sched_name})
   */
  public LeaseTable(DataSource db, String cluster) {
    this.db = db;
    this.cluster = cluster;
  }

  /**
   * The lease for {@code me} under a new epoch, when it is free, already {@code me}'s (a restart
   * under the same instance id: the old process is gone) or held by a controller whose last
   * check-in is not after {@code deadBeforeMillis}; else empty.
   */
  public Optional<Lease> tryAcquire(String me, long deadBeforeMillis) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement st = c.prepareStatement(ACQUIRE)) {
      c.setAutoCommit(true);
      st.setString(1, me);
      st.setString(2, me);
      st.setString(3, cluster);
      st.setLong(4, deadBeforeMillis);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(new Lease(me, rs.getLong(1))) : Optional.empty();
      }
    }
  }

  /** The current holder and epoch, or empty when the lease is free. */
  public Optional<Lease> current() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement st =
            c.prepareStatement("SELECT holder, epoch FROM pvespan_leader WHERE id = 1");
        ResultSet rs = st.executeQuery()) {
      if (!rs.next() || rs.getString(1) == null) {
        return Optional.empty();
      }
      return Optional.of(new Lease(rs.getString(1), rs.getLong(2)));
    }
  }

  /** Whether {@code lease} is still the one in force. */
  public boolean holds(Lease lease) throws SQLException {
    return current().filter(lease::equals).isPresent();
  }

  /** Frees the lease if {@code lease} still holds it (a clean shutdown: no wait for failover). */
  public void release(Lease lease) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "UPDATE pvespan_leader SET holder = NULL WHERE id = 1 AND holder = ? AND epoch = ?")) {
      st.setString(1, lease.holder());
      st.setLong(2, lease.epoch());
      st.executeUpdate();
    }
  }
}
