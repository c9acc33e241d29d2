package dev.warden.broker.watch;

import dev.warden.broker.store.BrokerStore;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Keeps the watch history to the latest changes: once a second it compacts the store's history to
 * the last {@code retention} versions and tells the change feed to forget the same.
 *
 * <p>Without it the history's snapshots grow with every change for as long as the database lives.
 * With it, a watcher that falls further behind than the retention (a long pause, a lost connection
 * during a burst) gets {@code 410 Gone} when it resumes and lists everything again, which costs it
 * one listing and loses nothing. The audit trail is not touched. A second is coarse on purpose: the
 * history then holds at least {@code retention} changes, plus whatever one second added.
 */
public final class HistoryCompactor implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(HistoryCompactor.class.getName());
  private static final Duration PERIOD = Duration.ofSeconds(1);

  private final BrokerStore store;
  private final ChangeFeed feed;
  private final long retention;
  private final Thread thread;
  private volatile boolean closed;
  private long compactedTo;

  private HistoryCompactor(BrokerStore store, ChangeFeed feed, long retention) {
    this.store = store;
    this.feed = feed;
    this.retention = retention;
    this.thread =
        Thread.ofPlatform().name("warden-history-compactor").daemon().unstarted(this::run);
  }

  /**
   * Starts compacting to the latest {@code retention} changes.
   *
   * @throws IllegalArgumentException when {@code retention} is not positive
   */
  public static HistoryCompactor start(BrokerStore store, ChangeFeed feed, long retention) {
    if (retention <= 0) {
      throw new IllegalArgumentException("bug: a history retention of " + retention);
    }
    HistoryCompactor compactor = new HistoryCompactor(store, feed, retention);
    compactor.thread.start();
    return compactor;
  }

  /** Compacts once, if the history grew past the retention since the last time. */
  void compactOnce() {
    long keepFrom = store.currentVersion() - retention + 1;
    if (keepFrom <= compactedTo) {
      return;
    }
    store.compact(keepFrom);
    feed.forget(keepFrom);
    compactedTo = keepFrom;
    LOG.log(Level.DEBUG, "watch history compacted keepFrom={0}", Long.toString(keepFrom));
  }

  private void run() {
    while (!closed) {
      try {
        compactOnce();
      } catch (RuntimeException e) {
        // A failed compaction costs disk space, never correctness; the next tick tries again.
        LOG.log(Level.WARNING, "watch history compaction failed; retrying: {0}", e.toString());
      }
      try {
        Thread.sleep(PERIOD);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(PERIOD.multipliedBy(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
