package dev.warden.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A connection with its prepared statements kept for reuse: parsing SQL again for every write costs
 * more than the write itself on SQLite.
 */
final class Session implements AutoCloseable {

  private final Connection connection;
  private final Dialect dialect;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  Session(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  Connection connection() {
    return connection;
  }

  Dialect dialect() {
    return dialect;
  }

  /** The prepared statement for {@code sql}, its parameters cleared. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    } else {
      statement.clearParameters();
    }
    return statement;
  }

  /**
   * Starts a write transaction. On SQLite this takes the database's write lock at once; waiting for
   * it later, at the first write, could fail after reads that were already used.
   */
  void beginWrite() throws SQLException {
    begin("BEGIN IMMEDIATE");
  }

  /** Starts a read transaction, so that every query until {@link #commit} sees one snapshot. */
  void beginRead() throws SQLException {
    begin("BEGIN");
  }

  void commit() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      execute("COMMIT");
    } else {
      connection.commit();
    }
  }

  /** Rolls back, swallowing the failure of a connection that is already broken. */
  void rollbackQuietly() {
    try {
      if (dialect == Dialect.SQLITE) {
        // Failing with "no transaction is active" is fine: there is nothing to undo then.
        execute("ROLLBACK");
      } else {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // The caller is already handling the failure that made it roll back; a broken connection
      // is found and replaced by the validity check that follows.
    }
  }

  // SQLite connections stay in auto-commit mode and take explicit BEGIN and COMMIT statements: in
  // manual-commit mode the driver would open the next transaction right after each commit, and an
  // IMMEDIATE one would hold the write lock while the writer sits idle.
  private void begin(String sqliteStatement) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      execute(sqliteStatement);
    }
  }

  private void execute(String sql) throws SQLException {
    try (var statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  boolean isUsable() {
    try {
      return !connection.isClosed() && connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // Closing the connection below releases it anyway.
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Nothing is left to release.
    }
  }
}
