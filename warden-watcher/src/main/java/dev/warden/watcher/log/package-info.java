/**
 * The decision log: a write-ahead, hash-chained JSON Lines file, fsync'd with group commit.
 *
 * <p>This is the audit trail, not the operational log. Every decision is recorded here through
 * {@link dev.warden.watcher.log.DecisionLog}, one method per kind of record, before anything is
 * sent to the broker.
 */
@NullMarked
package dev.warden.watcher.log;

import org.jspecify.annotations.NullMarked;
