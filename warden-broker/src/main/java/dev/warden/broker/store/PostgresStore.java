package dev.warden.broker.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens the production store on a PostgreSQL database. */
final class PostgresStore {

  /** Enough for the broker's request handlers; PostgreSQL connections cost server memory each. */
  private static final int READERS = 8;

  private PostgresStore() {}

  static BrokerStore open(PostgresUrl url) {
    String description = url.toString();
    Properties properties = withDefaults(url.properties());

    Migrations.migrate(
        description,
        url.jdbcUrl() + (url.schema() == null ? "" : "?currentSchema=" + url.schema()),
        url.user(),
        url.password(),
        url.schema());
    SessionPool readers =
        new SessionPool(() -> session(url, properties, false), READERS, Duration.ofSeconds(30));
    return new JdbcBrokerStore(
        description, () -> session(url, properties, true), readers, new Snapshots());
  }

  /**
   * Bounds every wait on the network, unless the URL says otherwise: a broker that hangs on a dead
   * database cannot report itself unready.
   */
  private static Properties withDefaults(Properties properties) {
    properties.putIfAbsent("connectTimeout", "10");
    properties.putIfAbsent("socketTimeout", "60");
    properties.putIfAbsent("tcpKeepAlive", "true");
    properties.putIfAbsent("ApplicationName", "warden-broker");
    return properties;
  }

  private static Session session(PostgresUrl url, Properties properties, boolean writer)
      throws SQLException {
    Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    connection.setAutoCommit(false);
    if (writer) {
      // READ COMMITTED suffices for writers: each first locks the version row, after which every
      // statement sees all earlier writers' commits.
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    } else {
      // A listing and its version must come from one snapshot.
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
    }
    return new Session(connection, Dialect.POSTGRESQL);
  }
}
