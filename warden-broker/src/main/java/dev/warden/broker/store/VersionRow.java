package dev.warden.broker.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@code store_version} row: the last version handed out and the history's start. */
final class VersionRow {

  private VersionRow() {}

  /** What the row holds. */
  record State(long version, long historyStart) {}

  /**
   * Reads the row, locking it on PostgreSQL. Every write transaction does this before anything
   * else: that single lock, always taken first, orders all writers (so versions commit in order)
   * and rules out deadlocks between them.
   */
  static State lock(Session session) throws SQLException {
    return read(session, session.dialect().forUpdate());
  }

  /** Reads the row without locking it, for readers. */
  static State read(Session session) throws SQLException {
    return read(session, "");
  }

  static void write(Session session, long version) throws SQLException {
    PreparedStatement statement =
        session.prepare("UPDATE store_version SET version = ? WHERE id = 1");
    statement.setLong(1, version);
    statement.executeUpdate();
  }

  static void writeHistoryStart(Session session, long historyStart) throws SQLException {
    PreparedStatement statement =
        session.prepare("UPDATE store_version SET history_start = ? WHERE id = 1");
    statement.setLong(1, historyStart);
    statement.executeUpdate();
  }

  private static State read(Session session, String suffix) throws SQLException {
    PreparedStatement statement =
        session.prepare("SELECT version, history_start FROM store_version WHERE id = 1" + suffix);
    try (ResultSet row = statement.executeQuery()) {
      if (!row.next()) {
        throw new StoreException(
            "the store_version row is missing: the schema was not migrated or was damaged");
      }
      return new State(row.getLong(1), row.getLong(2));
    }
  }
}
