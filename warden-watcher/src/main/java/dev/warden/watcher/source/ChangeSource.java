package dev.warden.watcher.source;

import dev.warden.api.v1.WatchEvent;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import dev.warden.watcher.cache.AccessCache;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.metrics.Metrics;
import dev.warden.watcher.metrics.WatcherMetrics;
import dev.warden.watcher.plane.AccessPlane;
import dev.warden.watcher.reconcile.Trigger;
import dev.warden.watcher.reconcile.UserQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the cache current and tells the queue which users to look at.
 *
 * <p>Watch mode lists everything with its resource version, reconciles every user, then follows the
 * stream from that version; {@code 410 Gone} means list again. Poll mode lists everything every
 * interval instead, the model of the published proof of concept, kept as a fallback for access
 * planes without a stream and as the benchmark baseline. Both relist on the resync interval, which
 * bounds how late a missed event can make a decision.
 *
 * <p>A lost connection is retried with capped exponential backoff and jitter (from 0.5 s up to 30
 * s, starting over once a stream is open again), and only changes of the connection's state are
 * logged, not every retry. The new stream resumes from the last version seen, so a broker restart
 * or a network gap costs no listing unless the broker's history no longer reaches back that far.
 *
 * <p>When the watcher's certificate is renewed on disk, the watch stream is moved to the new one:
 * the open stream, authenticated with the old certificate, is closed and a new one opened from the
 * last version seen, without listing again. The broker ends a stream when the certificate it was
 * opened with expires, so without the move a renewed watcher would still lose its stream once per
 * certificate lifetime.
 */
public final class ChangeSource implements Runnable {

  private static final System.Logger LOG = System.getLogger(ChangeSource.class.getName());
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** The connection's state, as logs, metrics and readiness see it. */
  public enum State {
    STARTING,
    CONNECTED,
    DISCONNECTED
  }

  private final AccessPlane plane;
  private final AccessCache cache;
  private final UserQueue queue;
  private final Consumer<Catalog> catalogSink;
  private final WatcherConfig.Source mode;
  private final Duration pollInterval;
  private final Duration resyncInterval;
  private final Clock clock;
  private final Metrics metrics;
  private final Supplier<String> credential;

  private volatile State state = State.STARTING;
  private volatile Instant lastHeard;
  private volatile boolean stopping;
  private volatile boolean listedOnce;

  // Confined to the source's own thread.
  private int failures;
  private long resumeFrom = -1;
  private Instant resyncAt = Instant.MIN;

  /** A source whose credentials never change. */
  public ChangeSource(
      AccessPlane plane,
      AccessCache cache,
      UserQueue queue,
      Consumer<Catalog> catalogSink,
      WatcherConfig config,
      Clock clock,
      Metrics metrics) {
    this(plane, cache, queue, catalogSink, config, clock, metrics, () -> "");
  }

  /**
   * @param credential names the certificate the plane's next call would present, such as its
   *     serial; the open watch stream is moved when it changes. Asked before every poll.
   */
  public ChangeSource(
      AccessPlane plane,
      AccessCache cache,
      UserQueue queue,
      Consumer<Catalog> catalogSink,
      WatcherConfig config,
      Clock clock,
      Metrics metrics,
      Supplier<String> credential) {
    this.credential = credential;
    this.plane = plane;
    this.cache = cache;
    this.queue = queue;
    this.catalogSink = catalogSink;
    this.mode = config.source();
    this.pollInterval = config.pollInterval();
    this.resyncInterval = config.resyncInterval();
    this.clock = clock;
    this.metrics = metrics;
    this.lastHeard = clock.instant();
    metrics.gauge(
        WatcherMetrics.SECONDS_SINCE_EVENT,
        "Seconds since the last event, bookmark or listing from the access plane.",
        () -> Duration.between(lastHeard, clock.instant()).toMillis() / 1000.0);
  }

  public State state() {
    return state;
  }

  /** Whether the cache has been filled by at least one listing. */
  public boolean synced() {
    return listedOnce;
  }

  public void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    while (!stopping) {
      try {
        if (mode == WatcherConfig.Source.WATCH) {
          watchUntilResync();
        } else {
          pollOnce();
          sleep(pollInterval);
        }
        failures = 0;
      } catch (AccessPlane.HistoryGone e) {
        resumeFrom = -1;
        LOG.log(System.Logger.Level.INFO, "watch history gone; listing again: {0}", e.getMessage());
        metrics.increment(
            WatcherMetrics.WATCH_HISTORY_GONE,
            "Times the broker answered 410 Gone (its watch history no longer reached back to the"
                + " watcher's version) and the watcher listed everything again.");
      } catch (AccessPlane.TransientFailure e) {
        // Resumed from the last version seen, not listed again: the broker's history fills the
        // gap, and only a 410 (or the resync) costs a full listing.
        disconnected(e);
      } catch (AccessPlane.PermanentFailure e) {
        resumeFrom = -1;
        disconnected(e);
      } catch (RuntimeException e) {
        resumeFrom = -1;
        failures++;
        LOG.log(System.Logger.Level.ERROR, "change source failed; retrying", e);
        changeState(State.DISCONNECTED, e.toString());
        sleep(backoff(failures));
      }
    }
  }

  private void disconnected(Exception e) {
    failures++;
    changeState(State.DISCONNECTED, e.getMessage());
    metrics.increment(
        WatcherMetrics.WATCH_RECONNECTS,
        "Times the watcher lost the access" + " plane and connected again.");
    sleep(backoff(failures));
  }

  /**
   * Lists (unless resuming after a lost connection within the resync interval) and follows the
   * stream until the resync is due.
   *
   * <p>Resuming trusts the broker's history to hold every change after the version last seen; a
   * broker that answers from a database restored to an older state would stream nothing until it
   * passed that version again, which the next resync bounds.
   */
  private void watchUntilResync()
      throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure, AccessPlane.HistoryGone {
    if (resumeFrom < 0 || !clock.instant().isBefore(resyncAt)) {
      resumeFrom = relist();
      resyncAt = clock.instant().plus(resyncInterval);
      failures = 0;
    }
    while (!stopping && clock.instant().isBefore(resyncAt)) {
      resumeFrom = follow(resumeFrom, resyncAt);
    }
    resumeFrom = -1;
  }

  /**
   * Follows one stream from {@code from} until the resync is due, the source stops, or the
   * certificate changes; returns the version reached, from which the next stream resumes.
   */
  private long follow(long from, Instant resyncAt)
      throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure, AccessPlane.HistoryGone {
    String openedWith = credential.get();
    long version = from;
    try (AccessPlane.Changes changes = plane.watch(version)) {
      changeState(State.CONNECTED, "watching from resource version " + version);
      // A connection that came back ends the backoff; the next loss starts again from the first.
      failures = 0;
      while (!stopping && clock.instant().isBefore(resyncAt)) {
        if (!credential.get().equals(openedWith)) {
          moved(openedWith, version);
          return version;
        }
        WatchEvent event = changes.poll(Duration.ofMillis(500));
        // A source stopped while it waited takes nothing more, not even what just arrived.
        if (event != null && !stopping) {
          lastHeard = clock.instant();
          version = Math.max(version, event.resourceVersion());
          resumeFrom = version;
          dispatch(event, lastHeard);
        }
      }
    }
    return version;
  }

  private void moved(String from, long version) {
    LOG.log(
        System.Logger.Level.INFO,
        "certificate renewed; moving the watch stream to it: previous={0} current={1}"
            + " resourceVersion={2}",
        from,
        credential.get(),
        version);
    metrics.increment(
        WatcherMetrics.WATCH_CERTIFICATE_MOVES,
        "Times the watch stream was moved to a renewed certificate before the old one expired.");
  }

  private void pollOnce() throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure {
    relist();
    changeState(State.CONNECTED, "polling every " + pollInterval);
  }

  /**
   * Lists everything, merges it into the cache and queues every user; returns its version. Requests
   * are merged one by one as they arrive, so the listing is never held whole.
   */
  private long relist() throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure {
    catalogSink.accept(plane.catalog());
    AccessPlane.Listing listing = plane.list(cache::merge);
    Instant now = clock.instant();
    cache.mergeLocks(listing.locks(), listing.resourceVersion());
    listedOnce = true;
    lastHeard = now;
    Trigger resync = Trigger.resync(now);
    for (UserName user : cache.users()) {
      queue.submit(user, resync);
    }
    return listing.resourceVersion();
  }

  private void dispatch(WatchEvent event, Instant received) {
    Set<UserName> users = cache.apply(event);
    Trigger trigger =
        switch (event) {
          case WatchEvent.RequestChange change ->
              new Trigger(
                  "request", change.object().id().value(), event.resourceVersion(), received);
          case WatchEvent.LockChange change ->
              new Trigger("lock", change.object().id().value(), event.resourceVersion(), received);
          case WatchEvent.Bookmark bookmark -> null;
        };
    if (trigger == null) {
      return;
    }
    for (UserName user : users) {
      queue.submit(user, trigger);
    }
  }

  private void changeState(State next, String detail) {
    if (state != next) {
      LOG.log(
          next == State.CONNECTED ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
          "access plane connection {0}: {1}",
          next.name().toLowerCase(java.util.Locale.ROOT),
          detail);
      state = next;
    }
  }

  private static Duration backoff(int failures) {
    long base =
        Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16));
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private void sleep(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    while (!stopping) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        Thread.sleep(Math.min(Duration.ofNanos(left).toMillis() + 1, 200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
