package dev.warden.broker.store;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Opens the store the broker's configuration names. */
public final class BrokerStores {

  private BrokerStores() {}

  /**
   * Opens a store, migrating its schema to the current version first.
   *
   * @param storeUrl null for the embedded SQLite file {@code dataDir/broker.db}, or a PostgreSQL
   *     URL {@code postgresql://user:password@host:port/database[?currentSchema=NAME]}
   * @param dataDir the broker's data directory (used for SQLite)
   * @throws IllegalArgumentException when the URL is not one the store understands
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static BrokerStore open(@Nullable String storeUrl, Path dataDir) {
    throw new UnsupportedOperationException("store implementations are being written");
  }
}
