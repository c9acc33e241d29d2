package dev.warden.cli.bench;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Follows the broker's watch stream from the bench process and notes when each request's review
 * first becomes visible.
 *
 * <p>Watching, not polling: a change is seen as soon as the broker streams it, and the bench adds
 * one stream to the broker's load instead of a listing per request. The only work per event is a
 * clock read and a map insert.
 */
final class ReviewObserver implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

  /** A review as first seen: the state it left the request in, and when the bench saw it. */
  record Seen(RequestState state, Instant at) {}

  private final BrokerClient client;
  private final Map<RequestId, Seen> seen = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile int reconnects;
  private volatile @Nullable String failure;

  private ReviewObserver(BrokerClient client) {
    this.client = client;
  }

  /** Opens the stream after {@code fromVersion} and starts following it. */
  static ReviewObserver start(BrokerClient client, long fromVersion) {
    ReviewObserver observer = new ReviewObserver(client);
    WatchStream first = client.watch(fromVersion);
    Thread.ofPlatform().name("bench-review-observer").daemon().start(() -> observer.follow(first));
    return observer;
  }

  @Nullable Seen seen(RequestId id) {
    return seen.get(id);
  }

  /** Every review seen so far. */
  Map<RequestId, Seen> snapshot() {
    return Map.copyOf(seen);
  }

  int reconnects() {
    return reconnects;
  }

  /** Why the stream could not be followed to the end, or null. */
  @Nullable String failure() {
    return failure;
  }

  /**
   * Waits until the review of every request of {@code ids} was seen, or the time is up.
   *
   * @return the requests still unseen
   */
  List<RequestId> awaitAll(Collection<RequestId> ids, Duration timeout)
      throws InterruptedException {
    List<RequestId> missing = new ArrayList<>(ids);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      missing.removeIf(seen::containsKey);
      if (missing.isEmpty() || System.nanoTime() > deadline || failure != null) {
        return missing;
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private void follow(WatchStream first) {
    WatchStream stream = first;
    while (!closed) {
      try {
        WatchEvent event = stream.poll(POLL);
        if (event instanceof WatchEvent.RequestChange change && change.object().state().isFinal()) {
          seen.putIfAbsent(change.object().id(), new Seen(change.object().state(), Instant.now()));
        }
      } catch (BrokerException e) {
        // The stream broke; resume where it stopped, so no review goes unseen.
        stream = reopen(stream.resourceVersion());
        if (stream == null) {
          return;
        }
      }
    }
    stream.close();
  }

  private @Nullable WatchStream reopen(long version) {
    while (!closed) {
      try {
        Thread.sleep(RECONNECT_PAUSE);
        WatchStream stream = client.watch(version);
        reconnects++;
        return stream;
      } catch (ProblemException.HistoryCompactedException e) {
        failure = "the broker compacted the history the bench was watching: " + e.getMessage();
        return null;
      } catch (BrokerException e) {
        // Still unreachable; keep trying until the run gives up waiting.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }
}
