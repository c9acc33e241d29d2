package dev.warden.broker.store;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The broker's system of record: access requests and their reviews, locks, the watch history and
 * the audit trail.
 *
 * <p>Every change gets the next store version (1, 2, 3, … without gaps, in commit order) and
 * commits together with its watch event and its audit entry, so a reader never sees one without the
 * other. A method that returns has committed durably; a method that throws {@link StoreException}
 * may or may not have committed when the failure hit the commit itself.
 *
 * <p>Times are kept to the microsecond: the store truncates every {@link Instant} it is given, and
 * what it returns is what it stored. Callers pass {@code now} so that tests and replays control the
 * clock; the store never reads it.
 *
 * <p>Implementations are safe for use by many threads at once.
 */
public interface BrokerStore extends AutoCloseable {

  /**
   * Creates a pending request with a fresh, unguessable id.
   *
   * @return the request as stored, with its version
   * @throws StoreException when the database fails
   */
  StoredRequest createRequest(NewRequest request, Actor actor, Instant now);

  /** The request with this id, if there is one. */
  Optional<StoredRequest> request(RequestId id);

  /** The requests passing {@code filter} in creation order, and the version of that snapshot. */
  Listing<StoredRequest> requests(RequestFilter filter);

  /**
   * Gives the requests passing {@code filter} to {@code each} in creation order as they are read,
   * from one consistent snapshot, without holding them all in memory.
   *
   * <p>The snapshot and a reader connection stay open until the last request has been given, so
   * {@code each} should do little more than pass the request on (to a network stream, say). What
   * {@code each} throws ends the read and is rethrown. A read that fails part-way is not repeated,
   * since {@code each} has seen some requests already.
   *
   * @return the version of the snapshot
   */
  long requests(RequestFilter filter, Consumer<StoredRequest> each);

  /**
   * Applies a review to a pending request: approval sets {@code approved} to {@code now} and {@code
   * expires} from the request's ttl capped by its roles' {@code maxTtl} in the review's catalog;
   * denial ends the request. Of concurrent reviews of one request exactly one is applied.
   *
   * @return {@link ReviewOutcome.Reviewed} with the updated request, {@link ReviewOutcome.Conflict}
   *     with the current request when it is no longer pending, or {@link ReviewOutcome.NotFound}
   */
  ReviewOutcome review(RequestId id, NewReview review, Actor actor, Instant now);

  /**
   * Creates a lock unless one with its id exists.
   *
   * @return {@link LockWrite.Created}; {@link LockWrite.Unchanged} when a lock with this id and the
   *     same target, message and expiry exists; {@link LockWrite.Conflict} with the existing lock
   *     when its content differs
   */
  LockWrite createLock(Lock lock, Actor actor, Instant now);

  /** The lock with this id, if there is one (whether or not it is still in force). */
  Optional<StoredLock> lock(LockId id);

  /** Every stored lock, ordered by id, and the version of that snapshot. */
  Listing<StoredLock> locks();

  /**
   * Deletes a lock.
   *
   * @return whether a lock with this id existed and is now deleted
   */
  boolean deleteLock(LockId id, Actor actor, Instant now);

  /**
   * The changes after {@code resourceVersion}, oldest first, at most {@code limit} of them. A
   * version beyond the current one yields an empty list.
   *
   * @throws HistoryCompactedException when changes after {@code resourceVersion} were compacted
   *     away; the caller must list again
   */
  List<ChangeEvent> changesSince(long resourceVersion, int limit) throws HistoryCompactedException;

  /** The version of the last committed change, 0 for an empty store. */
  long currentVersion();

  /**
   * Drops the watch history's snapshots before version {@code keepFrom}; resuming after any version
   * {@code >= keepFrom - 1} still works. The audit trail is kept whole.
   */
  void compact(long keepFrom);

  /** The audit entries after version {@code since}, oldest first (newest last), at most limit. */
  List<AuditEvent> auditSince(long since, int limit);

  /**
   * Expires what is due at {@code now}: pending requests created at least {@code pendingTtl} ago
   * and approved requests whose {@code expires} has come.
   *
   * @return the requests as expired, each with its own version and event
   */
  List<StoredRequest> expireDue(Instant now, Duration pendingTtl, Actor system);

  /**
   * When {@link #expireDue} next has work to do: the earliest of the oldest pending request's
   * {@code created + pendingTtl} and the earliest approved {@code expires}; empty when nothing can
   * expire. The instant may be in the past (after a restart that spanned it).
   */
  Optional<Instant> nextDue(Duration pendingTtl);

  /**
   * Registers {@code listener} to hear the store's new current version after each commit made
   * through this store object, so watch streams can wake without polling. Listeners hear of a
   * commit before its callers are answered. They run on the store's writer thread and must return
   * quickly (hand work to another thread) and not throw. Commits by other processes sharing the
   * database are not heard: a server that shares a PostgreSQL database should also poll {@link
   * #currentVersion()}.
   *
   * @return a handle that unregisters the listener when closed
   */
  Subscription onCommit(LongConsumer listener);

  /**
   * Registers {@code listener} to receive the changes of each commit made through this store
   * object, in version order, before the commit's callers are answered; the same rules as {@link
   * #onCommit} apply. A listener that keeps the history in memory can take them from here instead
   * of reading back what was just written.
   *
   * @return a handle that unregisters the listener when closed
   */
  Subscription onChanges(Consumer<List<ChangeEvent>> listener);

  /** Finishes pending writes, then releases the database. */
  @Override
  void close();

  /** A registration that can be cancelled. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
