package dev.warden.broker.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code events} table: one row per change, serving as the watch history (while its snapshot is
 * retained) and as the audit trail (always).
 */
final class EventLog {

  private final Snapshots snapshots;

  EventLog(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /** A change to record, with what the audit trail needs to know about it. */
  record Entry(
      ChangeType type,
      StoredObject object,
      String snapshot,
      AuditAction action,
      Actor actor,
      Instant time,
      @Nullable String reason,
      @Nullable String decisionId) {}

  /** Writes a change in {@code transaction} and notes it there for the commit listeners. */
  void append(WriteTransaction transaction, Entry entry) throws SQLException {
    PreparedStatement statement =
        transaction
            .session()
            .prepare(
                "INSERT INTO events (version, time_us, change_type, kind, object_id, action,"
                    + " actor_name, actor_serial, reason, decision_id, snapshot)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    statement.setLong(1, entry.object().resourceVersion());
    statement.setLong(2, Micros.of(entry.time()));
    statement.setString(3, entry.type().name());
    statement.setString(4, entry.object().kind());
    statement.setString(5, entry.object().id());
    statement.setString(6, entry.action().name());
    statement.setString(7, entry.actor().name());
    statement.setString(8, entry.actor().serial());
    statement.setString(9, entry.reason());
    statement.setString(10, entry.decisionId());
    statement.setString(11, entry.snapshot());
    statement.executeUpdate();
    transaction.recorded(
        new ChangeEvent(entry.object().resourceVersion(), entry.type(), entry.object()));
  }

  /**
   * The changes after {@code after}, oldest first. A row whose snapshot is gone yields null in its
   * place, which the caller treats as compacted history.
   */
  List<@Nullable ChangeEvent> changesAfter(Session session, long after, int limit)
      throws SQLException {
    PreparedStatement statement =
        session.prepare(
            "SELECT version, change_type, kind, snapshot FROM events WHERE version > ?"
                + " ORDER BY version LIMIT ?");
    statement.setLong(1, after);
    statement.setInt(2, limit);

    List<@Nullable ChangeEvent> events = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        String snapshot = rows.getString(4);
        events.add(
            snapshot == null
                ? null
                : new ChangeEvent(
                    rows.getLong(1),
                    ChangeType.valueOf(rows.getString(2)),
                    snapshots.read(rows.getString(3), snapshot)));
      }
    }
    return events;
  }

  List<AuditEvent> auditAfter(Session session, long after, int limit) throws SQLException {
    PreparedStatement statement =
        session.prepare(
            "SELECT version, time_us, action, kind, object_id, actor_name, actor_serial, reason,"
                + " decision_id FROM events WHERE version > ? ORDER BY version LIMIT ?");
    statement.setLong(1, after);
    statement.setInt(2, limit);

    List<AuditEvent> events = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        events.add(
            new AuditEvent(
                rows.getLong(1),
                Micros.toInstant(rows.getLong(2)),
                AuditAction.valueOf(rows.getString(3)),
                rows.getString(4),
                rows.getString(5),
                new Actor(rows.getString(6), rows.getString(7)),
                rows.getString(8),
                rows.getString(9)));
      }
    }
    return events;
  }

  /**
   * Clears the snapshots of the changes from {@code from} up to, not including, {@code until}; the
   * audit columns stay.
   */
  void dropSnapshots(Session session, long from, long until) throws SQLException {
    PreparedStatement statement =
        session.prepare("UPDATE events SET snapshot = NULL WHERE version >= ? AND version < ?");
    statement.setLong(1, from);
    statement.setLong(2, until);
    statement.executeUpdate();
  }
}
