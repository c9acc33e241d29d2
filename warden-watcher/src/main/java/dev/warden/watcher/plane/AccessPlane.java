package dev.warden.watcher.plane;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.Catalog;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the watcher needs of an access plane: read everything, follow changes, review, lock.
 *
 * <p>Every call is bounded by a timeout. Failures are one of three exceptions, and the watcher's
 * reaction follows from which: {@link TransientFailure} (retry with backoff), {@link
 * PermanentFailure} (log the plane's detail, count it, do not loop), {@link HistoryGone} (list
 * again).
 */
public interface AccessPlane {

  /** Every request and lock, at one resource version. */
  record Listing(List<RequestObject> requests, List<LockObject> locks, long resourceVersion) {}

  Listing list() throws TransientFailure, PermanentFailure;

  Catalog catalog() throws TransientFailure, PermanentFailure;

  /** Who the plane takes the watcher for: its name, permissions and certificate expiry. */
  dev.warden.api.v1.WhoAmI whoami() throws TransientFailure, PermanentFailure;

  /** Follows changes after {@code resourceVersion}. */
  Changes watch(long resourceVersion) throws TransientFailure, PermanentFailure, HistoryGone;

  /**
   * Approves or denies a pending request.
   *
   * @return the request as it now is, whether this review decided it or it was decided already
   *     (then {@link ReviewResult#applied()} is false)
   */
  ReviewResult review(RequestId request, boolean approve, String reason, String decisionId)
      throws TransientFailure, PermanentFailure;

  /**
   * Creates a lock with the caller's id. A lock that exists with the same content is success; one
   * with the same id and other content is a {@link PermanentFailure}.
   */
  LockObject lock(Lock lock) throws TransientFailure, PermanentFailure;

  /** The result of a review. */
  record ReviewResult(RequestObject request, boolean applied) {}

  /** A stream of changes; closing it ends the stream. */
  interface Changes extends AutoCloseable {

    /**
     * The next event, or null when none arrived within {@code wait}.
     *
     * @throws TransientFailure when the stream broke or stayed silent past its idle limit
     */
    @Nullable WatchEvent poll(Duration wait) throws TransientFailure, HistoryGone;

    @Override
    void close();
  }

  /**
   * A failure worth retrying: the plane was unreachable, slow, or answered 5xx.
   *
   * <p>A call that was sent but got no answer (the connection broke off, or the answer did not come
   * in time) is <em>unconfirmed</em>: the plane may well have carried it out and only the answer
   * was lost. The retry finds out, since every action is idempotent; until then the decision log
   * must not claim the action failed.
   */
  final class TransientFailure extends Exception {
    private final boolean unconfirmed;

    /** A failure of a call that certainly had no effect. */
    public TransientFailure(String message, @Nullable Throwable cause) {
      this(message, false, cause);
    }

    /**
     * A failure of a call that may or may not have had its effect.
     *
     * @param unconfirmed whether the call may have taken effect although no answer came back
     */
    public TransientFailure(String message, boolean unconfirmed, @Nullable Throwable cause) {
      super(message, cause);
      this.unconfirmed = unconfirmed;
    }

    /** Whether the call may have taken effect although no answer came back. */
    public boolean unconfirmed() {
      return unconfirmed;
    }
  }

  /** A failure retrying cannot fix: the plane refused the call (400, 403, a lock conflict). */
  final class PermanentFailure extends Exception {
    private final int status;

    public PermanentFailure(String message, int status, @Nullable Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** The resource version asked for is older than the history the plane keeps. */
  final class HistoryGone extends Exception {
    public HistoryGone(String message) {
      super(message);
    }
  }
}
