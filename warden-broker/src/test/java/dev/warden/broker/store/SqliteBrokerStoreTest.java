package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.T0;
import static dev.warden.broker.store.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file, plus what only SQLite has. */
class SqliteBrokerStoreTest extends BrokerStoreContract {

  @TempDir Path dataDir;

  @Override
  @Nullable String storeUrl() {
    return null;
  }

  @Override
  Path dataDir() {
    return dataDir;
  }

  @Test
  void writer_commitsDurablyWithSynchronousFull() {
    GroupCommitWriter writer = ((JdbcBrokerStore) store).writer();

    int synchronous =
        writer.execute(
            tx -> {
              try (Statement statement = tx.session().connection().createStatement();
                  ResultSet mode = statement.executeQuery("PRAGMA synchronous")) {
                mode.next();
                return mode.getInt(1);
              }
            });

    // 2 is FULL: the WAL is flushed to disk before a commit returns.
    assertThat(synchronous).isEqualTo(2);
  }

  @Test
  void open_createsBrokerDbInWalModeReadableByItsOwnerOnly() throws Exception {
    store.createRequest(request("alice"), ALICE, T0);

    Path file = dataDir.resolve("broker.db");

    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
      mode.next();
      assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void open_onAnExistingFile_keepsItsDataAndAppliesNoMigrationTwice() throws Exception {
    StoredRequest created = store.createRequest(request("alice"), ALICE, T0);

    BrokerStore reopened = reopen();

    assertThat(reopened.request(created.requestId())).contains(created);
    try (var connection =
            DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("broker.db"));
        Statement statement = connection.createStatement();
        ResultSet applied =
            statement.executeQuery(
                "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1 AND version = '1'")) {
      applied.next();
      assertThat(applied.getInt(1)).isEqualTo(1);
    }
  }
}
