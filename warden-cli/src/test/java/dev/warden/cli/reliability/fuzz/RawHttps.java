package dev.warden.cli.reliability.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately small HTTP/1.1 client over TLS that sends exactly the bytes it is given: a typed
 * client (or the JDK's) would refuse to send most of what the fuzzer makes, or would correct it.
 * Connections are kept alive between requests whose framing is sound (every body has its exact
 * length or is chunked), and dropped after any failure, so a request that confuses the server
 * cannot leak into the next one.
 */
final class RawHttps {

  /** The most of an answer's body kept; problems and listings are far smaller. */
  private static final int MAX_BODY = 4 << 20;

  /**
   * One answer.
   *
   * @param headers names in lower case, the last value of each
   * @param streamed whether the body is an open stream (a watch) that was not read
   */
  record Answer(int status, Map<String, String> headers, byte[] body, boolean streamed) {
    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "fuzz-http-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private RawHttps() {}

  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }

  /**
   * Sends {@code request} on a new connection and reads the answer.
   *
   * @throws IOException when the server closed the connection without an answer, or the answer is
   *     not HTTP
   */
  static Answer exchange(SSLContext tls, int port, byte[] request, Duration timeout)
      throws IOException {
    try (Connection connection = Connection.open(tls, port, timeout)) {
      return connection.exchange(request);
    }
  }

  /**
   * One kept-alive connection, for sending many requests without a handshake each. A connection the
   * server closed, or that carried a watch stream, cannot be used again ({@link #usable()}).
   */
  static final class Connection implements AutoCloseable {
    private final Socket tcp;
    private final SSLSocket socket;
    private final InputStream in;
    private final long timeoutMillis;
    private boolean usable = true;

    private Connection(Socket tcp, SSLSocket socket, Duration timeout) throws IOException {
      this.tcp = tcp;
      this.socket = socket;
      this.timeoutMillis = timeout.toMillis();
      this.in = new BufferedInputStream(socket.getInputStream());
    }

    static Connection open(SSLContext tls, int port, Duration timeout) throws IOException {
      Socket tcp = new Socket();
      try {
        tcp.setTcpNoDelay(true);
        tcp.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        tcp.setSoTimeout((int) timeout.toMillis());
        SSLSocket socket =
            (SSLSocket) tls.getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
        Connection connection = new Connection(tcp, socket, timeout);
        connection.guarded(
            () -> {
              socket.startHandshake();
              return null;
            });
        return connection;
      } catch (IOException e) {
        tcp.close();
        throw e;
      }
    }

    boolean usable() {
      return usable && !socket.isClosed();
    }

    /**
     * Sends one request and reads its answer; a HEAD request's answer has no body. The read timeout
     * does not bound a write that the server stopped reading, so a watchdog closes the connection
     * once the exchange has taken {@code timeout}, and the exchange fails instead of hanging.
     */
    Answer exchange(byte[] request) throws IOException {
      return guarded(() -> exchangeOnce(request));
    }

    /** Runs an action on the connection, closing its TCP socket if it outlasts the timeout. */
    private <T> T guarded(IoAction<T> action) throws IOException {
      // Closing the TLS socket would wait for the blocked writer's lock; the TCP socket does not.
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                try {
                  tcp.close();
                } catch (IOException e) {
                  // Closing to end a hung exchange; the exchange reports the failure.
                }
              },
              timeoutMillis,
              TimeUnit.MILLISECONDS);
      try {
        return action.run();
      } finally {
        watchdog.cancel(false);
      }
    }

    private Answer exchangeOnce(byte[] request) throws IOException {
      usable = false;
      OutputStream out = socket.getOutputStream();
      IOException sending = null;
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // The server may answer (413) and close before the whole body is sent; read that answer.
        sending = e;
      }
      try {
        boolean head =
            request.length >= 5
                && new String(request, 0, 5, StandardCharsets.US_ASCII).equals("HEAD ");
        Answer answer = read(in, head);
        usable =
            sending == null
                && !answer.streamed()
                && !"close".equalsIgnoreCase(answer.header("connection"));
        return answer;
      } catch (IOException e) {
        if (sending != null) {
          e.addSuppressed(sending);
        }
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      tcp.close();
    }
  }

  private static Answer read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        headers.put(
            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).trim());
      }
    }
    String type = headers.getOrDefault("content-type", "");
    if (status == 200 && type.startsWith("application/x-ndjson")) {
      return new Answer(status, headers, new byte[0], true);
    }
    if (head || status == 204 || status == 304) {
      return new Answer(status, headers, new byte[0], false);
    }
    return new Answer(status, headers, body(in, headers), false);
  }

  private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
    String length = headers.get("content-length");
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (String size = line(in); size != null; size = line(in)) {
        int chunk = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (chunk == 0) {
          break;
        }
        body.write(in.readNBytes(Math.min(chunk, MAX_BODY)));
        line(in);
      }
      return body.toByteArray();
    }
    if (length != null) {
      return in.readNBytes((int) Math.min(Long.parseLong(length), MAX_BODY));
    }
    try {
      return in.readNBytes(MAX_BODY);
    } catch (SocketTimeoutException e) {
      throw new IOException("the answer has no length and did not end", e);
    }
  }

  /** One CRLF- or LF-terminated line in ISO-8859-1, or null at the end of the stream. */
  private static @Nullable String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (line.size() > 65536) {
        throw new IOException("a header line longer than 64 KiB");
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
