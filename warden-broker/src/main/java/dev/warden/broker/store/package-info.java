/**
 * The broker's system of record: requests, reviews, locks, the watch history and the audit trail,
 * behind one {@link dev.warden.broker.store.BrokerStore} interface with SQLite and PostgreSQL
 * implementations.
 */
@NullMarked
package dev.warden.broker.store;

import org.jspecify.annotations.NullMarked;
