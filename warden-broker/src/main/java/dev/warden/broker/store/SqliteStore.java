package dev.warden.broker.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/** Opens the embedded store: the SQLite file {@code broker.db} in the broker's data directory. */
final class SqliteStore {

  static final String FILE_NAME = "broker.db";

  /** Readers never block the writer in WAL mode, so a few connections serve many threads. */
  private static final int READERS = 4;

  /** How long a connection waits for another process's lock before failing. */
  private static final int BUSY_TIMEOUT_MS = 10_000;

  private SqliteStore() {}

  static BrokerStore open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
    String url = "jdbc:sqlite:" + file;
    String description = "sqlite:" + file;

    createPrivately(dataDir, file);
    setUpWal(url, description);
    Migrations.migrate(description, url, null, null, null);
    SessionPool readers =
        new SessionPool(() -> session(url, false), READERS, Duration.ofSeconds(30));
    return new JdbcBrokerStore(description, () -> session(url, true), readers, new Snapshots());
  }

  /**
   * Creates the directory and an empty database file readable by its owner only: the file holds who
   * asked for what and why. SQLite creates its WAL and shared-memory files with the same mode.
   */
  private static void createPrivately(Path dataDir, Path file) {
    try {
      Files.createDirectories(dataDir);
      if (Files.getFileStore(dataDir).supportsFileAttributeView("posix")) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException alreadyThere) {
      // An existing store keeps the mode its owner gave it.
    } catch (IOException e) {
      throw new StoreException("cannot create the store file " + file + ": " + e.getMessage(), e);
    }
  }

  // The journal mode is a property of the database file, so setting it once is enough; doing it
  // before migrating means the schema is written through the WAL as well.
  private static void setUpWal(String url, String description) {
    try (Session session = session(url, true);
        Statement statement = session.connection().createStatement()) {
      statement.execute("PRAGMA journal_mode = WAL");
    } catch (SQLException e) {
      throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
    }
  }

  private static Session session(String url, boolean writer) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL makes every commit wait until the WAL is on disk: a write acknowledged to a caller
    // survives a crash or power loss. NORMAL would be faster and lose the last commits.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    var connection = config.createConnection(url);
    if (!writer) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA query_only = true");
      }
    }
    return new Session(connection, Dialect.SQLITE);
  }
}
