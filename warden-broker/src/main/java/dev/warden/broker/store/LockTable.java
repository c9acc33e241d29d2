package dev.warden.broker.store;

import dev.warden.core.access.LockId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes the {@code locks} table. */
final class LockTable {

  private static final String SELECT = "SELECT object FROM locks";

  private final Snapshots snapshots;

  LockTable(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  void insert(Session session, StoredLock lock, String json) throws SQLException {
    PreparedStatement statement =
        session.prepare(
            "INSERT INTO locks (id, target_kind, target_value, expires_us, resource_version,"
                + " object) VALUES (?, ?, ?, ?, ?, ?)");
    statement.setString(1, lock.id());
    statement.setString(2, lock.lock().target().kind());
    statement.setString(3, lock.lock().target().value());
    RequestTable.setNullableLong(statement, 4, Micros.ofNullable(lock.lock().expires()));
    statement.setLong(5, lock.resourceVersion());
    statement.setString(6, json);
    statement.executeUpdate();
  }

  void delete(Session session, LockId id) throws SQLException {
    PreparedStatement statement = session.prepare("DELETE FROM locks WHERE id = ?");
    statement.setString(1, id.value());
    statement.executeUpdate();
  }

  /** The lock with this id, locked for the rest of the transaction on PostgreSQL. */
  Optional<StoredLock> findForUpdate(Session session, LockId id) throws SQLException {
    return find(session, id, session.dialect().forUpdate());
  }

  Optional<StoredLock> find(Session session, LockId id) throws SQLException {
    return find(session, id, "");
  }

  List<StoredLock> list(Session session) throws SQLException {
    return readAll(session.prepare(SELECT + " ORDER BY id"));
  }

  private Optional<StoredLock> find(Session session, LockId id, String suffix) throws SQLException {
    PreparedStatement statement = session.prepare(SELECT + " WHERE id = ?" + suffix);
    statement.setString(1, id.value());
    List<StoredLock> found = readAll(statement);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  private List<StoredLock> readAll(PreparedStatement statement) throws SQLException {
    List<StoredLock> locks = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        locks.add(snapshots.readLock(rows.getString(1)));
      }
    }
    return locks;
  }
}
