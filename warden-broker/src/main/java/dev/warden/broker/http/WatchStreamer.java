package dev.warden.broker.http;

import dev.warden.api.json.Json;
import dev.warden.api.v1.WatchEvent;
import dev.warden.broker.auth.Caller;
import dev.warden.broker.auth.Resource;
import dev.warden.broker.auth.Verb;
import dev.warden.broker.service.Renderer;
import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.ChangeEvent;
import dev.warden.broker.store.HistoryCompactedException;
import dev.warden.broker.watch.ChangeFeed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code GET /v1/watch}: every change after the asked version in order, then live changes as
 * the feed reads them, and a bookmark whenever one interval passed since the last.
 *
 * <p>A stream ends as soon as its caller would no longer be let in: its certificate expired, its
 * identity was deleted, or a lock now cuts it off. A new lock is a change, so it wakes the stream
 * at once; the rest is checked at least every {@link #RECHECK}, which bounds how long an expired or
 * deleted identity keeps reading.
 */
final class WatchStreamer {

  private static final System.Logger LOG = System.getLogger(WatchStreamer.class.getName());
  private static final int BATCH = 500;
  private static final Duration RECHECK = Duration.ofMillis(250);

  private final ChangeFeed feed;
  private final BrokerStore store;
  private final Duration bookmarkInterval;
  private final Clock clock;
  private final Function<Caller, Optional<String>> cutOff;
  private volatile boolean closed;

  /**
   * @param cutOff why a caller may no longer read, or empty while it may
   */
  WatchStreamer(
      ChangeFeed feed,
      BrokerStore store,
      Duration bookmarkInterval,
      Clock clock,
      Function<Caller, Optional<String>> cutOff) {
    this.cutOff = cutOff;
    this.feed = feed;
    this.store = store;
    this.bookmarkInterval = bookmarkInterval;
    this.clock = clock;
  }

  /** Ends every open stream, so a closing broker does not wait for its watchers. */
  void close() {
    closed = true;
  }

  /**
   * Streams changes after {@code from}, or after the current version when it is null.
   *
   * @throws HistoryCompactedException before anything is sent, when {@code from} is too old
   */
  void stream(HttpCall call, Caller caller, @Nullable Long from)
      throws IOException, HistoryCompactedException {
    caller.require(Verb.WATCH, Resource.REQUESTS);
    caller.require(Verb.WATCH, Resource.LOCKS);
    long cursor = from == null ? feed.head() : from;
    store.changesSince(cursor, 1);

    OutputStream out = call.stream("application/x-ndjson");
    // The JDK server holds the response headers in its TLS buffer until the body is flushed; sent
    // now, the client sees the stream open at once instead of at the first bookmark, which its
    // call timeout may not wait for.
    out.flush();
    LOG.log(Level.DEBUG, "watch opened identity={0} from={1}", caller.name(), cursor);
    try {
      Optional<String> reason = pump(out, caller, cursor);
      reason.ifPresent(
          why ->
              LOG.log(
                  Level.INFO,
                  "watch closed identity={0} serial={1} reason={2}",
                  caller.name(),
                  caller.serial(),
                  why));
    } catch (HistoryCompactedException e) {
      // The stream fell behind compaction while catching up; the client resumes and gets 410.
      LOG.log(Level.INFO, "watch closed behind compaction identity={0}", caller.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Streams until the broker closes or the caller is cut off; returns why it was cut off. */
  private Optional<String> pump(OutputStream out, Caller caller, long from)
      throws IOException, HistoryCompactedException, InterruptedException {
    long cursor = from;
    Instant nextBookmark = clock.instant().plus(bookmarkInterval);
    ByteArrayOutputStream lines = new ByteArrayOutputStream(4096);
    while (!closed) {
      Optional<String> reason = cutOff.apply(caller);
      if (reason.isPresent()) {
        return reason;
      }
      List<ChangeEvent> changes = feed.after(cursor, BATCH);
      Instant now = clock.instant();
      lines.reset();
      if (!changes.isEmpty()) {
        var locks = feed.locks();
        for (ChangeEvent change : changes) {
          line(lines, Renderer.change(change, locks, now));
          cursor = change.resourceVersion();
        }
      }
      if (!now.isBefore(nextBookmark)) {
        line(lines, new WatchEvent.Bookmark(cursor));
        nextBookmark = now.plus(bookmarkInterval);
      }
      if (lines.size() > 0) {
        lines.writeTo(out);
        out.flush();
      } else {
        Duration untilBookmark = Duration.between(now, nextBookmark);
        feed.awaitBeyond(cursor, untilBookmark.compareTo(RECHECK) < 0 ? untilBookmark : RECHECK);
      }
    }
    return Optional.empty();
  }

  private static void line(ByteArrayOutputStream lines, WatchEvent event) {
    lines.writeBytes(Json.write(event));
    lines.write('\n');
  }
}
