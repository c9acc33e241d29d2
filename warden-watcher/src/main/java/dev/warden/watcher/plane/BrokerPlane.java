package dev.warden.watcher.plane;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WatchEvent;
import dev.warden.api.v1.WhoAmI;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.Catalog;
import java.net.ConnectException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Warden's own broker as an access plane, over its mTLS API.
 *
 * <p>The client comes from a supplier on every call so that a renewed certificate is picked up by
 * the next connection without a restart.
 */
public final class BrokerPlane implements AccessPlane {

  private final Supplier<BrokerClient> client;

  public BrokerPlane(Supplier<BrokerClient> client) {
    this.client = client;
  }

  @Override
  public Listing list(Consumer<RequestObject> requests) throws TransientFailure, PermanentFailure {
    try {
      BrokerClient broker = client.get();
      // Requests first: the lock listing can then only be newer, and a lock the request listing
      // does not reflect yet arrives again through the watch from the request listing's version.
      long version = broker.listRequests(null, null, requests);
      var locks = broker.listLocks();
      return new Listing(locks.items(), version);
    } catch (BrokerException e) {
      throw translate(e);
    }
  }

  @Override
  public Catalog catalog() throws TransientFailure, PermanentFailure {
    try {
      return client.get().catalog().toCatalog();
    } catch (BrokerException e) {
      throw translate(e);
    }
  }

  @Override
  public WhoAmI whoami() throws TransientFailure, PermanentFailure {
    try {
      return client.get().whoami();
    } catch (BrokerException e) {
      throw translate(e);
    }
  }

  @Override
  public Changes watch(long resourceVersion)
      throws TransientFailure, PermanentFailure, HistoryGone {
    WatchStream stream;
    try {
      stream = client.get().watch(resourceVersion);
    } catch (ProblemException.HistoryCompactedException e) {
      throw new HistoryGone(e.getMessage());
    } catch (BrokerException e) {
      throw translate(e);
    }
    return new Changes() {
      @Override
      public @Nullable WatchEvent poll(Duration wait) throws TransientFailure, HistoryGone {
        try {
          return stream.poll(wait);
        } catch (ProblemException.HistoryCompactedException e) {
          throw new HistoryGone(e.getMessage());
        } catch (BrokerException e) {
          throw new TransientFailure("watch stream broke: " + e.getMessage(), e);
        }
      }

      @Override
      public void close() {
        stream.close();
      }
    };
  }

  @Override
  public ReviewResult review(RequestId request, boolean approve, String reason, String decisionId)
      throws TransientFailure, PermanentFailure {
    NewReview review =
        new NewReview(approve ? ReviewDecision.APPROVE : ReviewDecision.DENY, reason, decisionId);
    try {
      return new ReviewResult(client.get().review(request, review), true);
    } catch (ProblemException.ConflictException e) {
      RequestObject current = currentRequest(request, e);
      return new ReviewResult(current, false);
    } catch (BrokerException e) {
      throw translate(e);
    }
  }

  private RequestObject currentRequest(RequestId request, ProblemException.ConflictException e)
      throws TransientFailure, PermanentFailure {
    try {
      return client.get().getRequest(request);
    } catch (BrokerException again) {
      throw translate(again);
    }
  }

  @Override
  public LockObject lock(Lock lock) throws TransientFailure, PermanentFailure {
    try {
      return client
          .get()
          .createLock(new NewLock(lock.id(), lock.target(), lock.message(), lock.expires()))
          .lock();
    } catch (BrokerException e) {
      throw translate(e);
    }
  }

  /** Always throws: the broker's failure as the plane failure the watcher reacts to. */
  private static RuntimeException translate(BrokerException e)
      throws TransientFailure, PermanentFailure {
    if (e instanceof ProblemException problem) {
      int status = problem.status();
      if (status < 500 && status != 429 && status != 408) {
        throw new PermanentFailure(e.getMessage(), status, e);
      }
    }
    // Unreachable, timed out, or a server-side error: all worth another try.
    throw new TransientFailure(e.getMessage(), unconfirmed(e), e);
  }

  /**
   * Whether a call that failed this way may still have been carried out. An error answer says the
   * broker did not, and a connection that was never made carried nothing; but when the exchange
   * broke off or timed out after the request went out, or the answer could not be read, the broker
   * may have committed the change before its answer was lost.
   */
  private static boolean unconfirmed(BrokerException e) {
    if (e instanceof ProblemException) {
      return false;
    }
    Throwable cause = e.getCause();
    // BrokerClient gives every failure of a call that never went out on a connection (refused,
    // timed out while connecting, TLS refused) a ConnectException as its cause.
    return !(cause instanceof ConnectException);
  }
}
