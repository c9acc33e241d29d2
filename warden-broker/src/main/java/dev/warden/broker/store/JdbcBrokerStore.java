package dev.warden.broker.store;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The broker store over JDBC, the same code for SQLite and PostgreSQL.
 *
 * <p>Writes go through one {@link GroupCommitWriter}, reads through a {@link SessionPool}. Every
 * write transaction locks the {@code store_version} row first and hands out the versions after it,
 * so versions are gap-free and become visible in order, also when several broker processes share
 * one PostgreSQL database.
 */
final class JdbcBrokerStore implements BrokerStore {

  private static final System.Logger LOG = System.getLogger(JdbcBrokerStore.class.getName());

  /** The most requests one {@link #expireDue} call expires; the next call takes the rest. */
  static final int MAX_EXPIRED_PER_CALL = 500;

  /** The most entries one history or audit read returns. */
  static final int MAX_READ_LIMIT = 10_000;

  private final String description;
  private final SessionPool readers;
  private final GroupCommitWriter writer;
  private final RequestTable requests;
  private final LockTable locks;
  private final EventLog events;
  private final Snapshots snapshots;
  private final RequestIds ids = new RequestIds();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<List<ChangeEvent>>> changeListeners = new CopyOnWriteArrayList<>();

  JdbcBrokerStore(
      String description, ConnectionFactory writerConnections, SessionPool readers, Snapshots s) {
    this.description = description;
    this.readers = readers;
    this.snapshots = s;
    this.requests = new RequestTable(s);
    this.locks = new LockTable(s);
    this.events = new EventLog(s);
    this.writer = new GroupCommitWriter("warden-store-writer", writerConnections, this::notify);
  }

  @Override
  public StoredRequest createRequest(NewRequest request, Actor actor, Instant now) {
    Instant created = Micros.truncate(now);
    Duration ttl = storableTtl(request, created);
    RequestId id = ids.next();

    return writer.execute(
        transaction -> {
          AccessRequest pending =
              AccessRequest.pending(
                  id,
                  request.user(),
                  request.roles(),
                  request.resources(),
                  request.reason(),
                  ttl,
                  created);
          StoredRequest stored = new StoredRequest(pending, List.of(), transaction.nextVersion());
          String json = snapshots.write(stored);

          requests.insert(transaction.session(), stored, json);
          events.append(
              transaction,
              new EventLog.Entry(
                  ChangeType.ADDED,
                  stored,
                  json,
                  AuditAction.REQUEST_CREATED,
                  actor,
                  created,
                  request.reason(),
                  null));
          return stored;
        });
  }

  @Override
  public Optional<StoredRequest> request(RequestId id) {
    return read(session -> requests.find(session, id));
  }

  @Override
  public Listing<StoredRequest> requests(RequestFilter filter) {
    return read(
        session -> {
          List<StoredRequest> items = requests.list(session, filter);
          return new Listing<>(items, VersionRow.read(session).version());
        });
  }

  @Override
  public long requests(RequestFilter filter, Consumer<StoredRequest> each) {
    return readers.withSessionOnce(
        session -> {
          session.beginRead();
          try {
            long version = VersionRow.read(session).version();
            requests.forEach(session, filter, each);
            session.commit();
            return version;
          } catch (RuntimeException e) {
            // The read transaction must not outlive a consumer that gave up.
            session.rollbackQuietly();
            throw e;
          }
        });
  }

  @Override
  public ReviewOutcome review(RequestId id, NewReview review, Actor actor, Instant now) {
    Instant at = Micros.truncate(now);

    return writer.execute(
        transaction -> {
          Optional<StoredRequest> found = requests.findForUpdate(transaction.session(), id);
          if (found.isEmpty()) {
            return new ReviewOutcome.NotFound(id);
          }
          StoredRequest current = found.get();
          if (!current.request().isPending()) {
            return new ReviewOutcome.Conflict(current);
          }

          StoredRequest reviewed = applyReview(current, review, actor, at, transaction);
          String json = snapshots.write(reviewed);
          requests.update(transaction.session(), reviewed, json);
          events.append(
              transaction,
              new EventLog.Entry(
                  ChangeType.MODIFIED,
                  reviewed,
                  json,
                  review.decision() == ReviewDecision.APPROVE
                      ? AuditAction.REQUEST_APPROVED
                      : AuditAction.REQUEST_DENIED,
                  actor,
                  at,
                  review.reason(),
                  review.decisionId()));
          return new ReviewOutcome.Reviewed(reviewed);
        });
  }

  @Override
  public LockWrite createLock(Lock lock, Actor actor, Instant now) {
    Instant at = Micros.truncate(now);
    // Compare and store the lock as the store will read it back, or a retry with the same
    // nanosecond expiry would look like different content.
    Lock normalized =
        new Lock(lock.id(), lock.target(), lock.message(), Micros.truncateNullable(lock.expires()));
    // Reject an expiry the store cannot keep here, in the caller's thread, not inside a batch.
    Micros.ofNullable(normalized.expires());

    return writer.execute(
        transaction -> {
          Optional<StoredLock> existing = locks.findForUpdate(transaction.session(), lock.id());
          if (existing.isPresent()) {
            return existing.get().lock().equals(normalized)
                ? new LockWrite.Unchanged(existing.get())
                : new LockWrite.Conflict(existing.get());
          }

          StoredLock stored = new StoredLock(normalized, actor, at, transaction.nextVersion());
          String json = snapshots.write(stored);
          locks.insert(transaction.session(), stored, json);
          events.append(
              transaction,
              new EventLog.Entry(
                  ChangeType.ADDED,
                  stored,
                  json,
                  AuditAction.LOCK_CREATED,
                  actor,
                  at,
                  normalized.message(),
                  null));
          return new LockWrite.Created(stored);
        });
  }

  @Override
  public Optional<StoredLock> lock(LockId id) {
    return read(session -> locks.find(session, id));
  }

  @Override
  public Listing<StoredLock> locks() {
    return read(
        session -> {
          List<StoredLock> items = locks.list(session);
          return new Listing<>(items, VersionRow.read(session).version());
        });
  }

  @Override
  public boolean deleteLock(LockId id, Actor actor, Instant now) {
    Instant at = Micros.truncate(now);

    return writer.execute(
        transaction -> {
          Optional<StoredLock> existing = locks.findForUpdate(transaction.session(), id);
          if (existing.isEmpty()) {
            return false;
          }

          StoredLock last = existing.get();
          StoredLock deleted =
              new StoredLock(
                  last.lock(), last.createdBy(), last.created(), transaction.nextVersion());
          locks.delete(transaction.session(), id);
          events.append(
              transaction,
              new EventLog.Entry(
                  ChangeType.DELETED,
                  deleted,
                  snapshots.write(deleted),
                  AuditAction.LOCK_DELETED,
                  actor,
                  at,
                  null,
                  null));
          return true;
        });
  }

  @Override
  public List<ChangeEvent> changesSince(long resourceVersion, int limit)
      throws HistoryCompactedException {
    requireVersion(resourceVersion);
    requireLimit(limit);

    History history =
        read(
            session -> {
              long historyStart = VersionRow.read(session).historyStart();
              if (resourceVersion < historyStart - 1) {
                return new History(List.of(), historyStart, true);
              }
              List<@Nullable ChangeEvent> found =
                  events.changesAfter(session, resourceVersion, limit);
              List<ChangeEvent> changes = new ArrayList<>(found.size());
              for (ChangeEvent change : found) {
                if (change == null) {
                  // Only reachable if the history start and the snapshots disagree, which a
                  // compaction in one transaction rules out; relisting is still the safe answer.
                  return new History(List.of(), historyStart, true);
                }
                changes.add(change);
              }
              return new History(changes, historyStart, false);
            });

    if (history.compacted()) {
      throw new HistoryCompactedException(resourceVersion, history.historyStart());
    }
    return history.changes();
  }

  @Override
  public long currentVersion() {
    return read(session -> VersionRow.read(session).version());
  }

  @Override
  public void compact(long keepFrom) {
    writer.execute(
        transaction -> {
          // The history can start no later than right after the current version: resuming from
          // the current version must keep working.
          long target = Math.min(keepFrom, transaction.version() + 1);
          long from = transaction.historyStart();
          if (target <= from) {
            return null;
          }
          events.dropSnapshots(transaction.session(), from, target);
          VersionRow.writeHistoryStart(transaction.session(), target);
          return null;
        });
  }

  @Override
  public List<AuditEvent> auditSince(long since, int limit) {
    requireVersion(since);
    requireLimit(limit);
    return read(session -> events.auditAfter(session, since, limit));
  }

  @Override
  public List<StoredRequest> expireDue(Instant now, Duration pendingTtl, Actor system) {
    requirePositive(pendingTtl);
    Instant at = Micros.truncate(now);
    long nowUs = Micros.of(at);
    long pendingCreatedByUs = saturatedSubtract(nowUs, toMicros(pendingTtl));

    return writer.execute(
        transaction -> {
          List<StoredRequest> due = new ArrayList<>();
          due.addAll(
              requests.pendingCreatedBy(
                  transaction.session(), pendingCreatedByUs, MAX_EXPIRED_PER_CALL));
          due.addAll(
              requests.approvedExpiringBy(
                  transaction.session(), nowUs, MAX_EXPIRED_PER_CALL - due.size()));

          List<StoredRequest> expired = new ArrayList<>(due.size());
          for (StoredRequest request : due) {
            expired.add(expire(request, pendingTtl, system, at, transaction));
          }
          return expired;
        });
  }

  @Override
  public Optional<Instant> nextDue(Duration pendingTtl) {
    requirePositive(pendingTtl);
    long ttlUs = toMicros(pendingTtl);

    return read(
        session -> {
          Long oldestPending = requests.oldestPendingCreatedUs(session);
          Long earliestExpiry = requests.earliestApprovedExpiresUs(session);
          long due = Long.MAX_VALUE;
          if (oldestPending != null) {
            due = saturatedAdd(oldestPending, ttlUs);
          }
          if (earliestExpiry != null) {
            due = Math.min(due, earliestExpiry);
          }
          return due == Long.MAX_VALUE
              ? Optional.<Instant>empty()
              : Optional.of(Micros.toInstant(due));
        });
  }

  @Override
  public Subscription onCommit(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public Subscription onChanges(Consumer<List<ChangeEvent>> listener) {
    changeListeners.add(listener);
    return () -> changeListeners.remove(listener);
  }

  @Override
  public void close() {
    writer.close();
    readers.close();
  }

  @Override
  public String toString() {
    return description;
  }

  /** The writer, for tests that run their own work in its transactions. */
  GroupCommitWriter writer() {
    return writer;
  }

  private StoredRequest applyReview(
      StoredRequest current, NewReview review, Actor actor, Instant at, WriteTransaction tx) {
    AccessRequest request = current.request();
    AccessRequest decided =
        switch (review.decision()) {
          case APPROVE -> truncateTimes(request.approvedAt(at, review.catalog()));
          case DENY -> request.withState(RequestState.DENIED);
        };
    List<Review> reviews = new ArrayList<>(current.reviews());
    reviews.add(new Review(actor, review.decision(), review.reason(), review.decisionId(), at));
    return new StoredRequest(decided, reviews, tx.nextVersion());
  }

  private StoredRequest expire(
      StoredRequest request, Duration pendingTtl, Actor system, Instant at, WriteTransaction tx)
      throws SQLException {
    String reason =
        request.state() == RequestState.PENDING
            ? "not reviewed within the pending ttl of " + pendingTtl
            : "access ended at " + request.request().expires();
    StoredRequest expired =
        new StoredRequest(
            request.request().withState(RequestState.EXPIRED), request.reviews(), tx.nextVersion());
    String json = snapshots.write(expired);

    requests.update(tx.session(), expired, json);
    events.append(
        tx,
        new EventLog.Entry(
            ChangeType.MODIFIED,
            expired,
            json,
            AuditAction.REQUEST_EXPIRED,
            system,
            at,
            reason,
            null));
    return expired;
  }

  private void notify(WriteTransaction committed) {
    long version = committed.version();
    List<ChangeEvent> changes = committed.changes();
    for (Consumer<List<ChangeEvent>> listener : changeListeners) {
      try {
        listener.accept(changes);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "store change listener failed at version " + version, e);
      }
    }
    for (LongConsumer listener : listeners) {
      try {
        listener.accept(version);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "store commit listener failed at version " + version, e);
      }
    }
  }

  private <T> T read(SessionPool.SessionWork<T> work) {
    return readers.withSession(
        session -> {
          session.beginRead();
          T result = work.run(session);
          session.commit();
          return result;
        });
  }

  private static Duration storableTtl(NewRequest request, Instant created) {
    Duration ttl = Micros.truncate(request.ttl());
    if (ttl.isZero()) {
      throw new IllegalArgumentException(
          "ttl "
              + request.ttl()
              + " of a request by "
              + request.user()
              + " is below a microsecond");
    }
    try {
      Micros.of(created.plus(ttl));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "ttl " + request.ttl() + " of a request by " + request.user() + " is too long", e);
    }
    return ttl;
  }

  private static AccessRequest truncateTimes(AccessRequest approved) {
    return new AccessRequest(
        approved.id(),
        approved.user(),
        approved.roles(),
        approved.resources(),
        approved.reason(),
        approved.ttl(),
        approved.state(),
        approved.created(),
        Micros.truncateNullable(approved.approved()),
        Micros.truncateNullable(approved.expires()));
  }

  private static long toMicros(Duration duration) {
    try {
      return Math.addExact(
          Math.multiplyExact(duration.getSeconds(), 1_000_000L), duration.getNano() / 1_000L);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration " + duration + " is too long", e);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedSubtract(long a, long b) {
    long difference = a - b;
    return ((a ^ b) & (a ^ difference)) < 0 ? Long.MIN_VALUE : difference;
  }

  private static void requirePositive(Duration pendingTtl) {
    if (pendingTtl.isNegative() || pendingTtl.isZero()) {
      throw new IllegalArgumentException("pending ttl must be positive, not " + pendingTtl);
    }
  }

  private static void requireVersion(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("resource version must be 0 or more, not " + version);
    }
  }

  private static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_READ_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_READ_LIMIT + ", not " + limit);
    }
  }

  /** What a history read found, so the checked exception is thrown outside the session. */
  private record History(List<ChangeEvent> changes, long historyStart, boolean compacted) {}
}
