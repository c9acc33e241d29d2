package dev.warden.broker.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small, fixed-size pool of reader sessions.
 *
 * <p>The store needs only this much: a bounded number of connections, opened lazily, reused, and
 * replaced when one breaks. A full-featured pool (HikariCP) would add a dependency for leak
 * detection, metrics and housekeeping the broker does not use, since every borrow here is returned
 * by the same method that takes it.
 */
final class SessionPool implements AutoCloseable {

  private final ConnectionFactory factory;
  private final BlockingQueue<Session> idle;
  private final Semaphore permits;
  private final Duration borrowTimeout;
  private volatile boolean closed;

  SessionPool(ConnectionFactory factory, int size, Duration borrowTimeout) {
    this.factory = factory;
    this.idle = new ArrayBlockingQueue<>(size);
    this.permits = new Semaphore(size, true);
    this.borrowTimeout = borrowTimeout;
  }

  /**
   * Runs {@code work} on a pooled session and returns the session afterwards. When the session
   * turns out to be broken (the database restarted, say), the work runs once more on a new one:
   * reads can be repeated safely.
   */
  <T> T withSession(SessionWork<T> work) {
    try {
      return attempt(work);
    } catch (BrokenSessionException e) {
      try {
        return attempt(work);
      } catch (BrokenSessionException again) {
        throw new StoreException("database read failed: " + again.getCause().getMessage(), again);
      }
    }
  }

  /**
   * Runs {@code work} on a pooled session once, also when the session turns out to be broken: for
   * reads that have handed out part of their result already and so cannot be repeated.
   */
  <T> T withSessionOnce(SessionWork<T> work) {
    try {
      return attempt(work);
    } catch (BrokenSessionException e) {
      throw new StoreException("database read failed: " + e.getCause().getMessage(), e);
    }
  }

  private <T> T attempt(SessionWork<T> work) throws BrokenSessionException {
    Session session = borrow();
    boolean healthy = false;
    try {
      T result = work.run(session);
      healthy = true;
      return result;
    } catch (SQLException e) {
      session.rollbackQuietly();
      healthy = session.isUsable();
      if (!healthy) {
        throw new BrokenSessionException(e);
      }
      throw new StoreException("database read failed: " + e.getMessage(), e);
    } finally {
      release(session, healthy);
    }
  }

  private Session borrow() {
    if (closed) {
      throw new StoreException("store is closed");
    }
    try {
      if (!permits.tryAcquire(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StoreException(
            "no database connection became free within " + borrowTimeout + " (all are in use)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a database connection", e);
    }

    Session session = idle.poll();
    if (session != null) {
      return session;
    }
    try {
      return factory.open();
    } catch (SQLException e) {
      permits.release();
      throw new StoreException("cannot open a database connection: " + e.getMessage(), e);
    }
  }

  private void release(Session session, boolean healthy) {
    if (healthy && !closed && idle.offer(session)) {
      permits.release();
      return;
    }
    session.close();
    permits.release();
  }

  @Override
  public void close() {
    closed = true;
    Session session;
    while ((session = idle.poll()) != null) {
      session.close();
    }
  }

  /** A read failed because its connection broke, so trying again on another may succeed. */
  private static final class BrokenSessionException extends Exception {
    BrokenSessionException(SQLException cause) {
      super(cause);
    }
  }

  /** Work done on a borrowed session. */
  @FunctionalInterface
  interface SessionWork<T> {
    T run(Session session) throws SQLException;
  }
}
