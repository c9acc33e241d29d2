package dev.warden.broker.store;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The store's only writer: one thread that takes the write operations callers submit, runs as many
 * as are waiting in one transaction, commits once, and only then hands each caller its result.
 *
 * <p>Batching is what makes durable commits fast: a commit that waits for the disk costs the same
 * for one operation as for a hundred. Handing results out only after {@code COMMIT} returned means
 * that whatever a caller was told has happened is on disk.
 *
 * <p>If an operation fails, the batch is rolled back and each of its operations is run again in a
 * transaction of its own, so one bad operation fails only its own caller. A failing {@code COMMIT}
 * is different: the database may or may not have kept the batch, so every caller in it is told that
 * the outcome is unknown and nothing is retried.
 */
final class GroupCommitWriter implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());

  /** Enough to amortize one disk flush well; small enough that one batch commits quickly. */
  private static final int MAX_BATCH = 256;

  /** Callers block beyond this many waiting operations, which bounds memory under overload. */
  private static final int QUEUE_CAPACITY = 16_384;

  private final ConnectionFactory factory;
  private final Consumer<WriteTransaction> committed;
  private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final ReadWriteLock closing = new ReentrantReadWriteLock();
  private final Thread thread;
  private volatile boolean closed;
  private @Nullable Session session;

  /**
   * Starts the writer thread.
   *
   * @param committed told of every commit that changed something, with its transaction
   */
  GroupCommitWriter(String name, ConnectionFactory factory, Consumer<WriteTransaction> committed) {
    this.factory = factory;
    this.committed = committed;
    this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    thread.start();
  }

  /**
   * Runs {@code work} in a write transaction and returns its result once the transaction is
   * committed.
   *
   * @throws StoreException when the database failed; unchecked exceptions of {@code work} itself
   *     are rethrown as they are
   */
  <T> T execute(WriteWork<T> work) {
    Job<T> job = new Job<>(work);
    enqueue(job);
    return job.await();
  }

  private void enqueue(Job<?> job) {
    // The read lock lets callers enqueue concurrently while close() cannot slip in between the
    // check and the put; a job enqueued after the writer stopped would wait forever.
    closing.readLock().lock();
    try {
      if (closed) {
        throw new StoreException("store is closed");
      }
      queue.put(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while submitting a write", e);
    } finally {
      closing.readLock().unlock();
    }
  }

  private void loop() {
    List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      Job<?> first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == null) {
        if (closed && queue.isEmpty()) {
          break;
        }
        continue;
      }

      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      try {
        runBatch(batch);
      } catch (RuntimeException | Error e) {
        // runBatch completes every job itself; reaching here is a bug, and the thread must live on
        // rather than leave every later caller waiting.
        LOG.log(Level.ERROR, "store writer failed unexpectedly; its batch is failed", e);
        batch.forEach(job -> job.fail(e));
      }
      batch.clear();
    }
    closeSession();
  }

  private void runBatch(List<Job<?>> batch) {
    WriteTransaction transaction;
    try {
      transaction = beginOnHealthySession();
    } catch (SQLException e) {
      // Nothing ran yet, and running the operations one by one would only wait for the same
      // lock or connection again.
      StoreException failure =
          new StoreException("cannot start a write transaction: " + e.getMessage(), e);
      batch.forEach(job -> job.fail(failure));
      return;
    }
    Session current = transaction.session();

    try {
      runAll(transaction, batch);
    } catch (Exception | Error e) {
      current.rollbackQuietly();
      batch.forEach(Job::forget);
      retryAlone(batch, e);
      return;
    }

    try {
      current.commit();
    } catch (SQLException e) {
      current.rollbackQuietly();
      dropSessionIfBroken();
      StoreException unknown =
          new StoreException(
              "the commit failed, so the write may or may not be stored: " + e.getMessage(), e);
      batch.forEach(job -> job.fail(unknown));
      return;
    }

    // Listeners first: once a caller hears that its write is done, watchers have been woken too.
    if (transaction.changed()) {
      committed.accept(transaction);
    }
    batch.forEach(Job::complete);
  }

  /**
   * Begins a transaction, opening a new connection once if the current one turns out to be broken:
   * a database restarted while the broker sat idle should cost no caller an error.
   */
  private WriteTransaction beginOnHealthySession() throws SQLException {
    boolean reopened = false;
    while (true) {
      boolean fresh = session == null;
      Session current = session();
      try {
        return begin(current);
      } catch (SQLException e) {
        current.rollbackQuietly();
        dropSessionIfBroken();
        if (fresh || reopened || session != null) {
          throw e;
        }
        reopened = true;
      }
    }
  }

  private static WriteTransaction begin(Session current) throws SQLException {
    current.beginWrite();
    VersionRow.State state = VersionRow.lock(current);
    return new WriteTransaction(current, state.version(), state.historyStart());
  }

  private static void runAll(WriteTransaction transaction, List<Job<?>> batch) throws Exception {
    for (Job<?> job : batch) {
      job.run(transaction);
    }
    if (transaction.changed()) {
      VersionRow.write(transaction.session(), transaction.version());
    }
  }

  private void retryAlone(List<Job<?>> batch, Throwable cause) {
    if (batch.size() > 1) {
      for (Job<?> job : batch) {
        runBatch(List.of(job));
      }
      return;
    }
    dropSessionIfBroken();
    batch.getFirst().fail(cause);
  }

  private Session session() throws SQLException {
    Session current = session;
    if (current == null) {
      current = factory.open();
      session = current;
    }
    return current;
  }

  private void dropSessionIfBroken() {
    Session current = session;
    if (current != null && !current.isUsable()) {
      LOG.log(Level.WARNING, "store write connection broke; opening a new one for the next write");
      current.close();
      session = null;
    }
  }

  private void closeSession() {
    Session current = session;
    if (current != null) {
      current.close();
      session = null;
    }
  }

  /** How many submitted operations wait for the writer; for tests that arrange a batch. */
  int waiting() {
    return queue.size();
  }

  /** Stops taking writes, finishes those already submitted, and closes the write connection. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      closed = true;
    } finally {
      closing.writeLock().unlock();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Work done inside a write transaction. */
  @FunctionalInterface
  interface WriteWork<T> {
    T run(WriteTransaction transaction) throws SQLException;
  }

  /** A submitted operation, its result held back until its transaction commits. */
  private static final class Job<T> {
    private final WriteWork<T> work;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private @Nullable T result;
    private boolean ran;

    Job(WriteWork<T> work) {
      this.work = work;
    }

    void run(WriteTransaction transaction) throws SQLException {
      result = work.run(transaction);
      ran = true;
    }

    /** Discards the result of a run whose transaction was rolled back. */
    void forget() {
      result = null;
      ran = false;
    }

    void complete() {
      if (!ran) {
        throw new IllegalStateException("bug: completing a write that did not run");
      }
      future.complete(result);
    }

    void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }

    T await() {
      try {
        return future.get();
      } catch (InterruptedException e) {
        // The write may still commit; the caller only stops waiting for it.
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while waiting for a write to commit", e);
      } catch (ExecutionException e) {
        throw rethrow(e.getCause());
      }
    }

    private static RuntimeException rethrow(Throwable cause) {
      return switch (cause) {
        case StoreException store -> new StoreException(store.getMessage(), store);
        case SQLException sql ->
            new StoreException("database write failed: " + sql.getMessage(), sql);
        case RuntimeException runtime -> runtime;
        case Error error -> throw error;
        default -> new StoreException("database write failed: " + cause, cause);
      };
    }
  }
}
