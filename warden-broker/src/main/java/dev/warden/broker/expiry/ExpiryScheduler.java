package dev.warden.broker.expiry;

import dev.warden.broker.store.Actor;
import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.StoredRequest;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Expires requests when they fall due: pending ones {@code pendingTtl} after creation, approved
 * ones at their {@code expires}.
 *
 * <p>The store says when the next expiry is due; the scheduler sleeps until then. Writers that
 * create something due earlier (a new request, an approval) call {@link #dueBy} to wake it. The due
 * time is read from the store, not remembered, so expiries missed while the broker was down happen
 * right after it starts again. A long safety sleep bounds what another broker process on a shared
 * database could make it miss.
 */
public final class ExpiryScheduler implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ExpiryScheduler.class.getName());
  private static final Duration SAFETY_SLEEP = Duration.ofSeconds(30);
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** The actor the audit trail names for expiries. */
  public static final Actor ACTOR = Actor.system("warden-broker");

  private final BrokerStore store;
  private final Duration pendingTtl;
  private final Clock clock;
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition changed = mutex.newCondition();
  private final Thread thread;
  private Instant hinted = Instant.MAX;
  private volatile boolean closed;

  private ExpiryScheduler(BrokerStore store, Duration pendingTtl, Clock clock) {
    this.store = store;
    this.pendingTtl = pendingTtl;
    this.clock = clock;
    this.thread = Thread.ofPlatform().name("warden-expiry").daemon().unstarted(this::run);
  }

  /** Starts expiring; anything already overdue is expired at once. */
  public static ExpiryScheduler start(BrokerStore store, Duration pendingTtl, Clock clock) {
    ExpiryScheduler scheduler = new ExpiryScheduler(store, pendingTtl, clock);
    scheduler.thread.start();
    return scheduler;
  }

  public Duration pendingTtl() {
    return pendingTtl;
  }

  /** Tells the scheduler that something falls due at {@code due}; wakes it when that is sooner. */
  public void dueBy(Instant due) {
    mutex.lock();
    try {
      if (due.isBefore(hinted)) {
        hinted = due;
        changed.signal();
      }
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }

  private void run() {
    while (!closed) {
      try {
        forgetHints();
        Instant now = clock.instant();
        Optional<Instant> due = store.nextDue(pendingTtl);
        if (due.isPresent() && !due.get().isAfter(now)) {
          expire(now);
          continue;
        }
        Instant wakeAt = due.orElse(Instant.MAX);
        Instant safety = now.plus(SAFETY_SLEEP);
        sleepUntil(wakeAt.isBefore(safety) ? wakeAt : safety);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "expiry failed; retrying in {0}: {1}", RETRY, e.toString());
        try {
          Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void expire(Instant now) {
    List<StoredRequest> expired = store.expireDue(now, pendingTtl, ACTOR);
    for (StoredRequest request : expired) {
      LOG.log(
          Level.INFO,
          "request expired request={0} user={1} version={2}",
          request.id(),
          request.request().user(),
          request.resourceVersion());
    }
  }

  /** Hints older than the store read that follows are covered by that read. */
  private void forgetHints() {
    mutex.lock();
    try {
      hinted = Instant.MAX;
    } finally {
      mutex.unlock();
    }
  }

  private void sleepUntil(Instant until) throws InterruptedException {
    mutex.lock();
    try {
      while (!closed) {
        Instant target = hinted.isBefore(until) ? hinted : until;
        long millis = Duration.between(clock.instant(), target).toMillis();
        if (millis <= 0) {
          return;
        }
        changed.await(Math.min(millis, SAFETY_SLEEP.toMillis()), TimeUnit.MILLISECONDS);
      }
    } finally {
      mutex.unlock();
    }
  }
}
