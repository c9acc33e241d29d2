package dev.warden.api.client;

import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.v1.WatchEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An open {@code GET /v1/watch} stream, read one event at a time.
 *
 * <p>A reader thread turns NDJSON lines into events and hands them over through a small queue, so a
 * slow consumer slows the broker's sending instead of filling memory. {@link #resourceVersion()} is
 * the position to resume from after a failure; it advances with bookmarks too.
 */
public final class WatchStream implements AutoCloseable {

  private static final int QUEUE = 256;

  /**
   * The longest line the reader takes, in characters. An event is a request or a lock, a few KiB at
   * most; without a bound, a peer sending a line that never ends would have the reader buffer it
   * until the watcher runs out of memory.
   */
  public static final int MAX_LINE = 1 << 20;

  private final InputStream body;
  private final Duration idle;

  /**
   * What must stay reachable while the stream is read: the client's connections, which are released
   * once nothing holds them (see {@link BrokerClient}). Held, never read.
   */
  @SuppressWarnings("unused")
  private final @Nullable Object owner;

  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
  private volatile boolean closed;
  private long resourceVersion;
  private @Nullable BrokerException failure;

  private WatchStream(InputStream body, long from, Duration idle, @Nullable Object owner) {
    this.body = body;
    this.resourceVersion = from;
    this.idle = idle;
    this.owner = owner;
  }

  static WatchStream open(InputStream body, long from, Duration idle) {
    return open(body, from, idle, null);
  }

  static WatchStream open(InputStream body, long from, Duration idle, @Nullable Object owner) {
    WatchStream stream = new WatchStream(body, from, idle, owner);
    Thread.ofVirtual().name("warden-watch-reader").start(stream::read);
    return stream;
  }

  /**
   * The next event, waiting at most the idle limit.
   *
   * @throws BrokerUnreachableException when the stream ended, broke, sent a line that is not an
   *     event, or stayed silent past the idle limit; resume from {@link #resourceVersion()}
   */
  public WatchEvent next() {
    WatchEvent event = poll(idle);
    if (event == null) {
      close();
      throw fail(
          new BrokerUnreachableException(
              "the watch stream was silent for " + idle + " (bookmarks are due every 10 s)"));
    }
    return event;
  }

  /**
   * The next event if one arrives within {@code wait}, else null.
   *
   * @throws BrokerUnreachableException as {@link #next()}, except that silence is not an error
   */
  public @Nullable WatchEvent poll(Duration wait) {
    if (failure != null) {
      throw failure;
    }
    Item item;
    try {
      item = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw fail(new BrokerUnreachableException("interrupted while waiting for a watch event"));
    }
    if (item == null) {
      return null;
    }
    if (item.error() != null) {
      close();
      throw fail(item.error());
    }
    WatchEvent event = item.event();
    resourceVersion = Math.max(resourceVersion, event.resourceVersion());
    return event;
  }

  /** The version to resume watching from: that of the last event or bookmark taken. */
  public long resourceVersion() {
    return resourceVersion;
  }

  /** Stops reading and releases the connection. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      body.close();
    } catch (IOException e) {
      // The stream is abandoned either way; a failure to close it changes nothing for the caller.
    }
  }

  private BrokerException fail(BrokerException error) {
    failure = error;
    return error;
  }

  private void read() {
    try (Reader text = new InputStreamReader(body, StandardCharsets.UTF_8)) {
      Lines lines = new Lines(text);
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        queue.put(new Item(Json.readAnswer(line, WatchEvent.class), null));
      }
      offer(new BrokerUnreachableException("the broker ended the watch stream"));
    } catch (JsonInputException e) {
      offer(
          new BrokerUnreachableException(
              "the watch stream sent a line that is not an event: " + e.getMessage()));
    } catch (LineTooLongException e) {
      offer(
          new BrokerUnreachableException(
              "the watch stream sent a line that is not an event: " + e.getMessage()));
    } catch (IOException e) {
      offer(new BrokerUnreachableException("the watch stream broke: " + e, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Whatever else goes wrong while reading must still end the stream for the consumer, who
      // would otherwise wait out the idle limit and be told the broker was silent.
      offer(new BrokerUnreachableException("the watch stream could not be read: " + e, e));
    }
  }

  /**
   * Splits text into lines as {@link java.io.BufferedReader#readLine()} does (ended by LF, CR or
   * CRLF; the last one possibly unended), but refuses a line longer than {@link #MAX_LINE}.
   */
  private static final class Lines {
    private final Reader in;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean skipLineFeed;

    Lines(Reader in) {
      this.in = in;
    }

    @Nullable String next() throws IOException {
      StringBuilder line = null;
      while (true) {
        if (position == limit) {
          limit = in.read(buffer, 0, buffer.length);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            return line == null ? null : line.toString();
          }
        }
        if (skipLineFeed && buffer[position] == '\n') {
          position++;
        }
        skipLineFeed = false;
        int start = position;
        while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
          position++;
        }
        if (line == null) {
          line = new StringBuilder(position - start);
        }
        line.append(buffer, start, position - start);
        if (line.length() > MAX_LINE) {
          throw new LineTooLongException(
              "it is longer than " + MAX_LINE + " characters; no event is that long");
        }
        if (position < limit) {
          skipLineFeed = buffer[position] == '\r';
          position++;
          return line.toString();
        }
      }
    }
  }

  private static final class LineTooLongException extends IOException {
    LineTooLongException(String message) {
      super(message);
    }
  }

  private void offer(BrokerException error) {
    if (closed) {
      return;
    }
    try {
      queue.put(new Item(placeholder(), error));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static WatchEvent placeholder() {
    return new WatchEvent.Bookmark(0);
  }

  private record Item(WatchEvent event, @Nullable BrokerException error) {}
}
