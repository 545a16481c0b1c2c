package io.pvespan.controller.ha;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pvespan.controller.config.ControllerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL database the controllers share: a small connection pool, and the tables (Quartz's
 * and pvespan's, {@code schema-postgres.sql}) created at start when missing. Creating them is
 * idempotent and serialised by an advisory lock, so controllers may start together.
 */
public final class HaDatabase implements AutoCloseable {
  static final String SCHEMA = "schema-postgres.sql";

  /** An arbitrary constant: the advisory lock the schema set-up runs under ("pvespan"). */
  private static final long SCHEMA_LOCK = 0x7076_6573_7061_6eL;

  private final HikariDataSource pool;

  private HaDatabase(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Connects and creates the tables that are missing.
   *
   * @throws IllegalStateException with a one-line reason when the database cannot be used
   */
  public static HaDatabase open(ControllerConfig.Ha ha) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(ha.jdbcUrl());
    c.setUsername(ha.user());
    c.setPassword(ha.password().value());
    c.setPoolName("pvespan-ha");
    // Quartz's scheduler thread, its cluster manager, the leader's lease checks and the pushes'
    // generations: a handful at once.
    c.setMaximumPoolSize(6);
    c.setMinimumIdle(2);
    // A database that does not answer must not hold the leader's lease check for long.
    c.setConnectionTimeout(Math.max(250, ha.checkIn().toMillis()));
    c.setValidationTimeout(Math.max(250, ha.checkIn().toMillis() / 2));
    c.setInitializationFailTimeout(-1);
    c.addDataSourceProperty("socketTimeout", Math.max(5, ha.checkIn().toSeconds() * 5));
    c.addDataSourceProperty("ApplicationName", "pvespan-controller " + ha.instanceId());
    HikariDataSource pool = new HikariDataSource(c);
    try {
      createTables(pool);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new IllegalStateException(
          "ha: database " + ha.jdbcUrl() + " cannot be used: " + rootMessage(e), e);
    }
    return new HaDatabase(pool);
  }

  /** The pool's "not available" hides the driver's reason (refused, authentication): the root. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.getMessage() : e.getMessage() + ": " + root.getMessage();
  }

  public DataSource dataSource() {
    return pool;
  }

  static void createTables(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        for (String sql : statements()) {
          st.execute(sql);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The schema file's statements: comments dropped, split at a ';' that ends a line. */
  static List<String> statements() {
    String text;
    try (InputStream in = HaDatabase.class.getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA + " is missing from the controller's jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(SCHEMA + " cannot be read: " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (l.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException(SCHEMA + " ends without ';'");
    }
    return out;
  }

  @Override
  public void close() {
    pool.close();
  }
}
