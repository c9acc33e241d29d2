package dev.warden.broker.store;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Opens the store the broker's configuration names. */
public final class BrokerStores {

  private BrokerStores() {}

  /**
   * Opens a store, migrating its schema to the current version first.
   *
   * @param storeUrl null or blank for the embedded SQLite file {@code dataDir/broker.db}, or a
   *     PostgreSQL URL {@code postgresql://user:password@host:port/database[?param=value&...]}; the
   *     parameters go to the JDBC driver, and {@code currentSchema} also names the schema the store
   *     creates and migrates
   * @param dataDir the broker's data directory (used for SQLite)
   * @throws IllegalArgumentException when the URL is not one the store understands
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static BrokerStore open(@Nullable String storeUrl, Path dataDir) {
    if (storeUrl == null || storeUrl.isBlank()) {
      return SqliteStore.open(dataDir);
    }
    if (PostgresUrl.isPostgres(storeUrl)) {
      return PostgresStore.open(PostgresUrl.parse(storeUrl));
    }
    throw new IllegalArgumentException(
        "store URL '"
            + PostgresUrl.mask(storeUrl)
            + "' is not supported: give postgresql://user:password@host:port/database,"
            + " or no URL for the SQLite file in the data directory");
  }
}
