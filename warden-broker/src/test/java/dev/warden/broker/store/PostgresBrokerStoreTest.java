package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.T0;
import static dev.warden.broker.store.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on PostgreSQL, each test in a schema of its own that is dropped afterwards.
 *
 * <p>The database comes from {@code WARDEN_TEST_POSTGRES_URL} (see {@code .ci/postgres-setup.sh}).
 * Without it the suite is skipped on a developer's machine, but fails under {@code CI=true}: CI
 * must prove the PostgreSQL store, and a silently skipped suite would prove nothing.
 */
class PostgresBrokerStoreTest extends BrokerStoreContract {

  static final String URL_VARIABLE = "WARDEN_TEST_POSTGRES_URL";

  private static String baseUrl = "";

  @TempDir Path unusedDataDir;
  private @Nullable String schema;

  @BeforeAll
  static void requireDatabase() {
    baseUrl = testUrl();
  }

  /** The test database's URL; skips the calling test class, or fails it under CI. */
  static String testUrl() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(
            URL_VARIABLE
                + " is not set, and under CI=true the PostgreSQL store suite must run:"
                + " run .ci/postgres-setup.sh and export the URL it prints");
      }
      assumeTrue(false, URL_VARIABLE + " is not set; skipping the PostgreSQL store suite");
    }
    return url;
  }

  @Override
  String storeUrl() {
    // The superclass opens the first store in its own @BeforeEach, which JUnit runs before any of
    // this class's, so the schema is chosen here, on first use.
    if (schema == null) {
      schema = "warden_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
    return withSchema(baseUrl, schema);
  }

  @Override
  Path dataDir() {
    return unusedDataDir;
  }

  @Test
  void writesAndReads_afterTheServerDroppedTheirConnections_reconnectAndSucceed() throws Exception {
    // A store of its own, named so that only its connections are terminated.
    String application = "warden-reconnect-" + schema;
    BrokerStore named =
        BrokerStores.open(storeUrl() + "&ApplicationName=" + application, dataDir());
    try {
      StoredRequest before = named.createRequest(request("alice"), ALICE, T0);
      named.request(before.requestId());

      int terminated = terminateConnections(application);
      StoredRequest after = named.createRequest(request("alice"), ALICE, T0);
      Optional<StoredRequest> read = named.request(after.requestId());

      assertThat(terminated).isGreaterThanOrEqualTo(2);
      assertThat(read).contains(after);
      assertThat(after.resourceVersion()).isEqualTo(before.resourceVersion() + 1);
    } finally {
      named.close();
    }
  }

  private static int terminateConnections(String application) throws Exception {
    PostgresUrl url = PostgresUrl.parse(baseUrl);
    // CASE, unlike AND, fixes the order of evaluation: only this store's backends are signalled.
    String sql =
        "SELECT COUNT(*) FROM pg_stat_activity WHERE CASE WHEN application_name = ?"
            + " THEN pg_terminate_backend(pid) ELSE false END";
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.properties());
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, application);
      ResultSet terminated = statement.executeQuery();
      terminated.next();
      return terminated.getInt(1);
    }
  }

  @Override
  void afterStoresClosed() throws Exception {
    if (schema == null) {
      return;
    }
    PostgresUrl url = PostgresUrl.parse(baseUrl);
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.properties());
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  static String withSchema(String url, String schema) {
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }
}
