package dev.warden.api.client;

import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.v1.WatchEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
   * The longest line the reader takes, in bytes. An event is a request or a lock, a few KiB at
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
    try (InputStream bytes = body) {
      Lines lines = new Lines(bytes);
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        WatchEvent event =
            Json.readAnswer(lines.array(), lines.offset(), lines.length(), WatchEvent.class);
        queue.put(new Item(event, null));
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
   * Splits bytes into lines where {@link java.io.BufferedReader#readLine()} would split their text
   * (ended by LF, CR or CRLF; the last one possibly unended), but refuses a line longer than {@link
   * #MAX_LINE} bytes. CR and LF never occur inside a multi-byte UTF-8 sequence, so cutting the
   * bytes cuts the text at the same places; each line goes to the JSON parser as the bytes it came
   * as, without being decoded into characters and encoded again, and the parser refuses one that is
   * not UTF-8.
   *
   * <p>A line that lies whole in the read buffer is handed over in place; only one cut by the end
   * of a read is copied together.
   */
  private static final class Lines {
    private final InputStream in;
    private final byte[] buffer = new byte[16384];
    private int position;
    private int limit;
    private boolean skipLineFeed;
    // A line that spans reads, put together here.
    private byte[] joined = new byte[1024];
    private byte[] array = buffer;
    private int offset;
    private int length;

    Lines(InputStream in) {
      this.in = in;
    }

    /** Moves to the next line; false at the end of the stream. */
    boolean next() throws IOException {
      // Bytes of this line already put together in joined, from reads before the current one.
      int carried = 0;
      boolean joining = false;
      while (true) {
        if (position == limit) {
          limit = in.read(buffer, 0, buffer.length);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            // An unended last line still counts as a line.
            if (!joining) {
              return false;
            }
            return take(joined, 0, carried);
          }
        }
        if (skipLineFeed) {
          skipLineFeed = false;
          if (buffer[position] == '\n') {
            position++;
            continue;
          }
        }
        int start = position;
        while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
          position++;
        }
        int piece = position - start;
        if (carried + piece > MAX_LINE) {
          throw new LineTooLongException(
              "it is longer than " + MAX_LINE + " bytes; no event is that long");
        }
        boolean ended = position < limit;
        if (ended) {
          skipLineFeed = buffer[position] == '\r';
          position++;
          if (!joining) {
            return take(buffer, start, piece);
          }
        }
        if (carried + piece > joined.length) {
          joined = Arrays.copyOf(joined, Math.max(carried + piece, joined.length * 2));
        }
        System.arraycopy(buffer, start, joined, carried, piece);
        carried += piece;
        joining = true;
        if (ended) {
          return take(joined, 0, carried);
        }
      }
    }

    private boolean take(byte[] in, int from, int count) {
      array = in;
      offset = from;
      length = count;
      return true;
    }

    /** The current line's bytes: {@link #length()} of them from {@link #offset()}. */
    byte[] array() {
      return array;
    }

    int offset() {
      return offset;
    }

    int length() {
      return length;
    }

    /**
     * Whether the current line is blank as {@link String#isBlank()} would find its text: only ASCII
     * bytes need no decoding to tell, and a line of anything else is decoded (with replacement) to
     * ask.
     */
    boolean blank() {
      boolean ascii = true;
      for (int i = offset; i < offset + length; i++) {
        int b = array[i] & 0xff;
        if (b >= 0x80) {
          ascii = false;
        } else if (!Character.isWhitespace(b)) {
          return false;
        }
      }
      return ascii || new String(array, offset, length, StandardCharsets.UTF_8).isBlank();
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
