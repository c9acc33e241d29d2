package dev.warden.broker.store;

import java.sql.SQLException;

/** Opens a new, configured session on the store's database. */
@FunctionalInterface
interface ConnectionFactory {
  Session open() throws SQLException;
}
