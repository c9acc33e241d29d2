package dev.warden.api.client;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A response body that is closed when one read waits longer than a limit for the broker.
 *
 * <p>A call's timeout covers the wait for the answer's headers only. A body read in memory is
 * small, but a streamed listing may run for many seconds, and a broker that stops sending halfway
 * would otherwise hold the reader forever. Only the time spent waiting inside {@code read} counts:
 * a caller that takes its time with each item is not the broker's fault.
 */
final class IdleLimitedStream extends InputStream {

  private final InputStream body;
  private final Duration limit;
  private final Thread watchdog;
  private volatile long readingSince;
  private volatile boolean stalled;
  private volatile boolean closed;

  private IdleLimitedStream(InputStream body, Duration limit) {
    this.body = body;
    this.limit = limit;
    this.watchdog = Thread.ofVirtual().name("warden-body-watchdog").unstarted(this::watch);
  }

  static IdleLimitedStream of(InputStream body, Duration limit) {
    IdleLimitedStream stream = new IdleLimitedStream(body, limit);
    stream.watchdog.start();
    return stream;
  }

  /** Whether the stream was closed because the broker sent nothing for longer than the limit. */
  boolean stalled() {
    return stalled;
  }

  @Override
  public int read() throws IOException {
    readingSince = System.nanoTime();
    try {
      return body.read();
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    readingSince = System.nanoTime();
    try {
      return body.read(buffer, offset, length);
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    watchdog.interrupt();
    body.close();
  }

  private void watch() {
    long checkEvery = Math.max(1, limit.toMillis() / 4);
    while (!closed) {
      try {
        Thread.sleep(checkEvery);
      } catch (InterruptedException e) {
        return;
      }
      long since = readingSince;
      if (since != 0 && System.nanoTime() - since > limit.toNanos()) {
        stalled = true;
        try {
          body.close();
        } catch (IOException e) {
          // The read it unblocks fails either way, and reports the stall.
        }
        return;
      }
    }
  }
}
