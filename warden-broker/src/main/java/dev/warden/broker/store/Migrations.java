package dev.warden.broker.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

/**
 * Brings a database's schema to the current version with Flyway, from the versioned scripts in
 * {@code db/migration}: one set of scripts serves SQLite and PostgreSQL.
 */
final class Migrations {

  private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

  private Migrations() {}

  /**
   * Applies the scripts not yet applied, after checking the checksums of those that were.
   *
   * @param schema the PostgreSQL schema to create and migrate, or null for the default one
   * @throws StoreException naming the database and Flyway's reason when migration fails
   */
  static void migrate(
      String description,
      String jdbcUrl,
      @Nullable String user,
      @Nullable String password,
      @Nullable String schema) {
    var configuration =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(jdbcUrl, user, password)
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .validateMigrationNaming(true)
            .cleanDisabled(true);
    if (schema != null) {
      configuration = configuration.schemas(schema).createSchemas(true);
    }

    try {
      MigrateResult result = configuration.load().migrate();
      LOG.log(
          System.Logger.Level.INFO,
          "store schema migrated store={0} applied={1} version={2}",
          description,
          result.migrationsExecuted,
          result.targetSchemaVersion == null
              ? result.initialSchemaVersion
              : result.targetSchemaVersion);
    } catch (FlywayException e) {
      throw new StoreException(
          "cannot migrate the schema of " + description + ": " + e.getMessage(), e);
    }
  }
}
