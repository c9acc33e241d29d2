package dev.warden.broker.store;

import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Reads and writes the {@code requests} table. */
final class RequestTable {

  private static final String SELECT = "SELECT object FROM requests";

  /** Rows a listing fetches from the database at a time. */
  private static final int FETCH_SIZE = 512;

  private final Snapshots snapshots;

  RequestTable(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /** Inserts a request just created, whose resource version is therefore its creation's. */
  void insert(Session session, StoredRequest request, String json) throws SQLException {
    PreparedStatement statement =
        session.prepare(
            "INSERT INTO requests (id, user_name, state, created_us, expires_us, created_version,"
                + " resource_version, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    statement.setString(1, request.id());
    statement.setString(2, request.request().user().value());
    statement.setString(3, request.state().name());
    statement.setLong(4, Micros.of(request.request().created()));
    setNullableLong(statement, 5, Micros.ofNullable(request.request().expires()));
    statement.setLong(6, request.resourceVersion());
    statement.setLong(7, request.resourceVersion());
    statement.setString(8, json);
    statement.executeUpdate();
  }

  void update(Session session, StoredRequest request, String json) throws SQLException {
    PreparedStatement statement =
        session.prepare(
            "UPDATE requests SET state = ?, expires_us = ?, resource_version = ?, object = ?"
                + " WHERE id = ?");
    statement.setString(1, request.state().name());
    setNullableLong(statement, 2, Micros.ofNullable(request.request().expires()));
    statement.setLong(3, request.resourceVersion());
    statement.setString(4, json);
    statement.setString(5, request.id());
    int updated = statement.executeUpdate();
    if (updated != 1) {
      throw new StoreException(
          "bug: updating request " + request.id() + " changed " + updated + " rows, not 1");
    }
  }

  /** The request with this id, locked for the rest of the transaction on PostgreSQL. */
  Optional<StoredRequest> findForUpdate(Session session, RequestId id) throws SQLException {
    return find(session, id, session.dialect().forUpdate());
  }

  Optional<StoredRequest> find(Session session, RequestId id) throws SQLException {
    return find(session, id, "");
  }

  List<StoredRequest> list(Session session, RequestFilter filter) throws SQLException {
    List<StoredRequest> requests = new ArrayList<>();
    forEach(session, filter, requests::add);
    return requests;
  }

  /**
   * Gives each request passing {@code filter} to {@code each}, in creation order, as it is read.
   */
  void forEach(Session session, RequestFilter filter, Consumer<StoredRequest> each)
      throws SQLException {
    StringBuilder sql = new StringBuilder(SELECT);
    List<String> arguments = new ArrayList<>();
    String joiner = " WHERE ";
    if (filter.state() != null) {
      sql.append(joiner).append("state = ?");
      arguments.add(filter.state().name());
      joiner = " AND ";
    }
    if (filter.user() != null) {
      sql.append(joiner).append("user_name = ?");
      arguments.add(filter.user().value());
    }
    sql.append(" ORDER BY created_version");

    PreparedStatement statement = session.prepare(sql.toString());
    for (int i = 0; i < arguments.size(); i++) {
      statement.setString(i + 1, arguments.get(i));
    }
    // Without a fetch size the PostgreSQL driver reads every row into memory before the first is
    // returned; SQLite steps through the rows either way.
    statement.setFetchSize(FETCH_SIZE);
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        each.accept(snapshots.readRequest(rows.getString(1)));
      }
    }
  }

  /** Pending requests created at or before {@code createdAtMostUs}, oldest first, locked. */
  List<StoredRequest> pendingCreatedBy(Session session, long createdAtMostUs, int limit)
      throws SQLException {
    return dueBy(session, RequestState.PENDING, "created_us", createdAtMostUs, limit);
  }

  /** Approved requests whose access ends at or before {@code expiresAtMostUs}, locked. */
  List<StoredRequest> approvedExpiringBy(Session session, long expiresAtMostUs, int limit)
      throws SQLException {
    return dueBy(session, RequestState.APPROVED, "expires_us", expiresAtMostUs, limit);
  }

  /** The earliest {@code created_us} of pending requests, or null when none is pending. */
  @Nullable Long oldestPendingCreatedUs(Session session) throws SQLException {
    return minimum(session, "created_us", RequestState.PENDING);
  }

  /** The earliest {@code expires_us} of approved requests, or null when none is approved. */
  @Nullable Long earliestApprovedExpiresUs(Session session) throws SQLException {
    return minimum(session, "expires_us", RequestState.APPROVED);
  }

  private Optional<StoredRequest> find(Session session, RequestId id, String suffix)
      throws SQLException {
    PreparedStatement statement = session.prepare(SELECT + " WHERE id = ?" + suffix);
    statement.setString(1, id.value());
    List<StoredRequest> found = readAll(statement);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  private List<StoredRequest> dueBy(
      Session session, RequestState state, String column, long atMostUs, int limit)
      throws SQLException {
    // The column name comes from the two callers above, never from input.
    PreparedStatement statement =
        session.prepare(
            SELECT
                + " WHERE state = ? AND "
                + column
                + " <= ? ORDER BY "
                + column
                + ", id LIMIT ?"
                + session.dialect().forUpdate());
    statement.setString(1, state.name());
    statement.setLong(2, atMostUs);
    statement.setInt(3, limit);
    return readAll(statement);
  }

  private static @Nullable Long minimum(Session session, String column, RequestState state)
      throws SQLException {
    PreparedStatement statement =
        session.prepare("SELECT MIN(" + column + ") FROM requests WHERE state = ?");
    statement.setString(1, state.name());
    try (ResultSet row = statement.executeQuery()) {
      row.next();
      long value = row.getLong(1);
      return row.wasNull() ? null : value;
    }
  }

  private List<StoredRequest> readAll(PreparedStatement statement) throws SQLException {
    List<StoredRequest> requests = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        requests.add(snapshots.readRequest(rows.getString(1)));
      }
    }
    return requests;
  }

  static void setNullableLong(PreparedStatement statement, int index, @Nullable Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }
}
