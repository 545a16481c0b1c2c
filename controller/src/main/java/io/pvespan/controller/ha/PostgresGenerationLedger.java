package io.pvespan.controller.ha;

import io.pvespan.controller.reconcile.GenerationLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Generations issued by the database ({@code pvespan_generation}), fenced by the leadership epoch:
 * one transaction share-locks the lease row, checks that it is still this controller's lease, and
 * raises the node's generation. A new leader's acquisition updates that row, so it waits for every
 * issue in flight and every later issue by the old leader sees the new epoch and is refused: what
 * the old leader got was issued before, and is below everything the new leader gets.
 */
public final class PostgresGenerationLedger implements GenerationLedger {
  private static final String ISSUE =
      "INSERT INTO pvespan_generation (node, generation) VALUES (?, ?) ON CONFLICT (node) DO"
          + " UPDATE SET generation = GREATEST(pvespan_generation.generation + 1,"
          + " EXCLUDED.generation) RETURNING generation";

  private final DataSource db;
  private final Supplier<Lease> lease;

  /**
   * @param lease this controller's lease in force, or null while it does not lead
   */
  public PostgresGenerationLedger(DataSource db, Supplier<Lease> lease) {
    this.db = db;
    this.lease = lease;
  }

  @Override
  public long issue(String node, long wanted) {
    Lease mine = lease.get();
    if (mine == null) {
      throw new Fenced("this controller does not lead");
    }
    if (wanted < 1) {
      throw new IllegalArgumentException("generation " + wanted + " < 1");
    }
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        long issued = issue(c, mine, node, wanted);
        c.commit();
        return issued;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new Fenced("no generation from the database: " + e.getMessage(), e);
    }
  }

  private static long issue(Connection c, Lease mine, String node, long wanted)
      throws SQLException {
    try (PreparedStatement st =
            c.prepareStatement("SELECT holder, epoch FROM pvespan_leader WHERE id = 1 FOR SHARE");
        ResultSet rs = st.executeQuery()) {
      if (!rs.next() || !mine.holder().equals(rs.getString(1)) || mine.epoch() != rs.getLong(2)) {
        throw new Fenced(
            "leadership lost: epoch "
                + mine.epoch()
                + " of "
                + mine.holder()
                + " is no longer in force");
      }
    }
    try (PreparedStatement st = c.prepareStatement(ISSUE)) {
      st.setString(1, node);
      st.setLong(2, wanted);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
