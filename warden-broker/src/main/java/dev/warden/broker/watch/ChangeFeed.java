package dev.warden.broker.watch;

import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.ChangeEvent;
import dev.warden.broker.store.ChangeType;
import dev.warden.broker.store.HistoryCompactedException;
import dev.warden.broker.store.Listing;
import dev.warden.broker.store.StoredLock;
import dev.warden.core.access.LockId;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Recent changes in memory, in version order and without gaps, and the current locks.
 *
 * <p>The store hands over the changes of every commit this broker makes, before the commit's
 * callers are answered; they are appended here and every watch stream is woken, so a change reaches
 * watchers without polling and without reading back what was just written. A feed thread reads from
 * the database only to fill a gap: changes committed by another broker process on a shared
 * database, which a slow safety tick also looks for.
 */
public final class ChangeFeed implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());
  private static final int CAPACITY = 8192;
  private static final int BATCH = 1000;
  private static final Duration SAFETY_TICK = Duration.ofSeconds(1);

  private final BrokerStore store;
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition advanced = mutex.newCondition();
  private final Condition wake = mutex.newCondition();
  private final ChangeEvent[] ring = new ChangeEvent[CAPACITY];
  private final Map<LockId, StoredLock> locks = new LinkedHashMap<>();
  private final BrokerStore.Subscription subscription;
  private final Thread thread;
  private long head;
  private long oldest;
  private boolean signalled;
  private volatile boolean closed;
  private final LockIndex lockIndex = new LockIndex();

  private ChangeFeed(BrokerStore store, Listing<StoredLock> initial) {
    this.store = store;
    this.head = initial.resourceVersion();
    this.oldest = head + 1;
    for (StoredLock lock : initial.items()) {
      locks.put(lock.lockId(), lock);
      lockIndex.put(lock.lock());
    }
    this.subscription = store.onChanges(this::committed);
    this.thread = Thread.ofPlatform().name("warden-change-feed").daemon().unstarted(this::run);
  }

  /** Starts a feed at the store's current version. */
  public static ChangeFeed start(BrokerStore store) {
    ChangeFeed feed = new ChangeFeed(store, store.locks());
    feed.thread.start();
    return feed;
  }

  /** The version up to which this feed has read every change. */
  public long head() {
    mutex.lock();
    try {
      return head;
    } finally {
      mutex.unlock();
    }
  }

  /** The locks as of {@link #head()} by target, whether or not still in force. */
  public LockIndex locks() {
    return lockIndex;
  }

  /**
   * Up to {@code max} changes after {@code version}, oldest first, from memory when they are still
   * held there and from the store otherwise.
   *
   * @throws HistoryCompactedException when the store no longer holds them either
   */
  public List<ChangeEvent> after(long version, int max) throws HistoryCompactedException {
    mutex.lock();
    try {
      if (version >= head) {
        // Nothing newer yet. Returning here also keeps a version near Long.MAX_VALUE from
        // overflowing the loop below into negative ring positions.
        return List.of();
      }
      if (version >= oldest - 1) {
        List<ChangeEvent> changes = new ArrayList<>();
        for (long v = version + 1; v <= head && changes.size() < max; v++) {
          changes.add(ring[(int) (v % CAPACITY)]);
        }
        return changes;
      }
    } finally {
      mutex.unlock();
    }
    return store.changesSince(version, max);
  }

  /**
   * Stops serving changes before {@code keepFrom} from memory, after the store compacted them: a
   * stream that far behind then reads from the store and learns that the history is gone, as a
   * stream resuming from there does, instead of being served what no new watch could get.
   */
  public void forget(long keepFrom) {
    mutex.lock();
    try {
      oldest = Math.max(oldest, Math.min(keepFrom, head + 1));
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits until the feed has read past {@code version} or the time is up.
   *
   * @return whether the feed is now past {@code version}
   */
  public boolean awaitBeyond(long version, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    mutex.lock();
    try {
      while (head <= version && !closed) {
        if (nanos <= 0) {
          return false;
        }
        nanos = advanced.awaitNanos(nanos);
      }
      return head > version;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits until the feed has read up to {@code version}, so that a caller who just committed reads
   * its own write in {@link #locks()}.
   */
  public void catchUp(long version, Duration timeout) {
    signal();
    try {
      awaitBeyond(version - 1, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    subscription.close();
    signal();
    mutex.lock();
    try {
      advanced.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  private void signal() {
    mutex.lock();
    try {
      signalled = true;
      wake.signal();
    } finally {
      mutex.unlock();
    }
  }

  private void run() {
    while (!closed) {
      try {
        awaitSignal();
        drain();
      } catch (InterruptedException e) {
        return;
      } catch (HistoryCompactedException e) {
        LOG.log(
            Level.ERROR,
            "change feed fell behind compaction, restarting from the store: {0}",
            e.getMessage());
        restart();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "change feed failed to read the store; retrying: {0}", e.toString());
        pause();
      }
    }
  }

  private void awaitSignal() throws InterruptedException {
    mutex.lock();
    try {
      if (!signalled) {
        wake.await(SAFETY_TICK.toMillis(), TimeUnit.MILLISECONDS);
      }
      signalled = false;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Takes a commit's changes from the store's writer. Reading them back from the database, as the
   * feed thread did for every commit, cost a query, the parsing of every snapshot and a thread
   * hand-over on the way of every change to its watchers.
   */
  private void committed(List<ChangeEvent> changes) {
    if (changes.isEmpty()) {
      return;
    }
    mutex.lock();
    try {
      if (changes.get(0).resourceVersion() == head + 1) {
        append(changes);
        return;
      }
    } finally {
      mutex.unlock();
    }
    // Something committed in between that this broker did not write: read it in order.
    signal();
  }

  private void drain() throws HistoryCompactedException {
    while (!closed) {
      List<ChangeEvent> changes = store.changesSince(head(), BATCH);
      if (changes.isEmpty()) {
        return;
      }
      append(changes);
      if (changes.size() < BATCH) {
        return;
      }
    }
  }

  private void append(List<ChangeEvent> changes) {
    mutex.lock();
    try {
      for (ChangeEvent change : changes) {
        if (change.resourceVersion() <= head) {
          // Read back while the writer handed the same change over; it is here already.
          continue;
        }
        if (change.resourceVersion() != head + 1) {
          throw new IllegalStateException(
              "bug: the store returned version " + change.resourceVersion() + " after " + head);
        }
        ring[(int) (change.resourceVersion() % CAPACITY)] = change;
        head = change.resourceVersion();
        apply(change);
      }
      oldest = Math.max(oldest, head - CAPACITY + 1);
      advanced.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  private void apply(ChangeEvent change) {
    if (!(change.object() instanceof StoredLock lock)) {
      return;
    }
    StoredLock previous =
        change.type() == ChangeType.DELETED
            ? locks.remove(lock.lockId())
            : locks.put(lock.lockId(), lock);
    if (previous != null) {
      lockIndex.remove(previous.lock());
    }
    if (change.type() != ChangeType.DELETED) {
      lockIndex.put(lock.lock());
    }
  }

  /** The stored lock with this id as of {@link #head()}, or null. */
  public @Nullable StoredLock storedLock(LockId id) {
    mutex.lock();
    try {
      return locks.get(id);
    } finally {
      mutex.unlock();
    }
  }

  private void restart() {
    Listing<StoredLock> listing = store.locks();
    mutex.lock();
    try {
      locks.clear();
      lockIndex.clear();
      for (StoredLock lock : listing.items()) {
        locks.put(lock.lockId(), lock);
        lockIndex.put(lock.lock());
      }
      head = listing.resourceVersion();
      oldest = head + 1;
      advanced.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
