package dev.warden.watcher.reconcile;

import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Runs reconciliations so that one user's are handled in order, one at a time, while different
 * users proceed in parallel on a fixed number of workers.
 *
 * <p>Triggers for a user that is already waiting merge into one run (level-triggered: the run looks
 * at the user's whole state, so one run covers them all); a trigger that arrives while the user is
 * being reconciled schedules exactly one more run after it. A run that asks to be retried is
 * scheduled again with capped, jittered exponential backoff; a successful run resets it.
 */
public final class UserQueue implements AutoCloseable {

  /** What a run reports back. */
  public enum Result {
    DONE,
    RETRY
  }

  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  private static final System.Logger LOG = System.getLogger(UserQueue.class.getName());

  private enum Phase {
    QUEUED,
    RUNNING,
    RUNNING_AGAIN
  }

  private static final class Slot {
    Phase phase;
    Trigger trigger;

    Slot(Trigger trigger) {
      this.phase = Phase.QUEUED;
      this.trigger = trigger;
    }
  }

  private final BiFunction<UserName, Trigger, Result> handler;
  private final Map<UserName, Slot> slots = new HashMap<>();
  private final Map<UserName, Integer> failures = new HashMap<>();
  private final LinkedBlockingQueue<UserName> ready = new LinkedBlockingQueue<>();
  private final ExecutorService workers;
  private final ScheduledExecutorService retries;
  private final int workerCount;
  private int running;
  private volatile boolean stopping;

  public UserQueue(int workerCount, BiFunction<UserName, Trigger, Result> handler) {
    this.handler = handler;
    this.workerCount = workerCount;
    this.workers =
        Executors.newFixedThreadPool(
            workerCount, Thread.ofPlatform().name("warden-reconcile-", 0).daemon().factory());
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("warden-retry").daemon().factory());
    for (int i = 0; i < workerCount; i++) {
      workers.execute(this::work);
    }
  }

  /** Asks for a reconciliation of {@code user}. */
  public void submit(UserName user, Trigger trigger) {
    if (stopping) {
      return;
    }
    synchronized (this) {
      Slot slot = slots.get(user);
      if (slot == null) {
        slots.put(user, new Slot(trigger));
        ready.add(user);
      } else if (slot.phase == Phase.RUNNING) {
        slot.phase = Phase.RUNNING_AGAIN;
        slot.trigger = trigger;
      } else if (slot.trigger.isResync() && !trigger.isResync()) {
        // The run already coming sees this change too, but it should be known as the event's: the
        // decision record names its trigger, and only event-triggered runs measure latency.
        slot.trigger = trigger;
      }
      // Otherwise the run already coming will see this change too, under its earlier trigger.
    }
  }

  /** Users waiting or being reconciled. */
  public synchronized int backlog() {
    return slots.size();
  }

  /** Waits until no user is waiting or being reconciled, or the timeout passes. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!slots.isEmpty() || running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  private void work() {
    while (!stopping) {
      UserName user;
      try {
        user = ready.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (user != null) {
        runOnce(user);
      }
    }
  }

  private void runOnce(UserName user) {
    Trigger trigger;
    synchronized (this) {
      Slot slot = slots.get(user);
      slot.phase = Phase.RUNNING;
      trigger = slot.trigger;
      running++;
    }
    Result result = runHandler(user, trigger);
    synchronized (this) {
      running--;
      Slot slot = slots.get(user);
      if (result == Result.RETRY) {
        int attempt = failures.merge(user, 1, Integer::sum);
        slots.remove(user);
        scheduleRetry(user, trigger, attempt);
      } else {
        failures.remove(user);
        if (slot.phase == Phase.RUNNING_AGAIN) {
          slot.phase = Phase.QUEUED;
          ready.add(user);
        } else {
          slots.remove(user);
        }
      }
      notifyAll();
    }
  }

  private Result runHandler(UserName user, Trigger trigger) {
    try {
      return handler.apply(user, trigger);
    } catch (RuntimeException e) {
      // A bug in one user's reconciliation must not take the worker down with it.
      LOG.log(System.Logger.Level.ERROR, "reconcile failed: user=" + user, e);
      return Result.RETRY;
    }
  }

  private void scheduleRetry(UserName user, Trigger trigger, int attempt) {
    if (stopping) {
      return;
    }
    long base = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt - 1, 20));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    retries.schedule(() -> submit(user, trigger), delay, TimeUnit.MILLISECONDS);
  }

  public int workers() {
    return workerCount;
  }

  /** Stops taking work; runs in progress finish (bounded by {@code grace}). */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  public void close(Duration grace) {
    stopping = true;
    retries.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
