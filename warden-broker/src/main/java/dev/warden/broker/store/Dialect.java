package dev.warden.broker.store;

/** The few places where the store's SQL differs between SQLite and PostgreSQL. */
enum Dialect {
  /**
   * SQLite: the writer's connection begins every transaction with {@code BEGIN IMMEDIATE}, which
   * takes the database's write lock up front, so row locks are neither needed nor available.
   */
  SQLITE(""),

  /**
   * PostgreSQL: writers lock the version row with {@code FOR UPDATE} first thing, which orders them
   * across connections and processes, and lock the rows they change.
   */
  POSTGRESQL(" FOR UPDATE");

  private final String forUpdate;

  Dialect(String forUpdate) {
    this.forUpdate = forUpdate;
  }

  /** The clause a writer appends to a SELECT of rows it is about to change. */
  String forUpdate() {
    return forUpdate;
  }
}
