package dev.warden.cli.reliability.fuzz;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.BrokerUnreachableException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.v1.WatchEvent;
import dev.warden.broker.ca.CertificateAuthority;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The client's watch stream reader ({@link BrokerClient#watch} and {@link WatchStream}), fed over a
 * real TLS socket by a stand-in broker that answers {@code GET /v1/watch} with whatever bytes the
 * fuzzer chose. It checks what the watcher relies on: every line that is an event is delivered, in
 * order and exactly as it parses on its own; the first line that is not ends the stream with a
 * {@link BrokerUnreachableException} saying so, as does the end of the stream, at once rather than
 * after the idle limit; a stream that goes silent ends within the idle limit; an answer other than
 * 200 is a {@link BrokerException}; and nothing else is ever thrown, on the caller's thread or on
 * the reader's.
 */
final class WatchStreamTarget implements AutoCloseable {

  /** How long the stream may stay silent; short, so that stalled scripts are cheap. */
  static final Duration IDLE = Duration.ofMillis(1500);

  /** Slack for a loaded machine on top of the idle limit before a wait counts as a hang. */
  private static final Duration SLACK = Duration.ofSeconds(5);

  /** How the stand-in broker sends a script's body. */
  enum Mode {
    /** All at once, then the connection is closed. */
    CLOSE,
    /** In small pieces, split anywhere (inside lines and UTF-8 characters), then closed. */
    PIECES,
    /** All at once, then nothing more while the connection stays open. */
    STALL,
  }

  /** One answer of the stand-in broker: a status (200 streams), and a body sent per the mode. */
  record Script(int status, Mode mode, byte[] body) {
    /** The corpus file: a first line {@code STATUS MODE}, then the body unchanged. */
    byte[] toCorpus() {
      byte[] head = (status + " " + mode + "\n").getBytes(StandardCharsets.US_ASCII);
      return ByteMutator.splice(body, 0, 0, head);
    }

    static Script fromCorpus(byte[] file) {
      int end = 0;
      while (end < file.length && file[end] != '\n') {
        end++;
      }
      String[] head = new String(file, 0, end, StandardCharsets.US_ASCII).trim().split(" ");
      byte[] body = java.util.Arrays.copyOfRange(file, Math.min(file.length, end + 1), file.length);
      return new Script(Integer.parseInt(head[0]), Mode.valueOf(head[1]), body);
    }
  }

  /** What became of one script; {@code violation} is null when every promise was kept. */
  record Verdict(boolean accepted, @Nullable String kind, @Nullable String violation) {}

  private final Path directory;
  private final HttpsServer server;
  private final BrokerClient client;
  private final List<Throwable> readerFailures = new CopyOnWriteArrayList<>();
  private volatile Script script = new Script(200, Mode.CLOSE, new byte[0]);
  private volatile CountDownLatch release = new CountDownLatch(0);
  private Thread.@Nullable UncaughtExceptionHandler previousHandler;

  private WatchStreamTarget(Path directory, HttpsServer server, BrokerClient client) {
    this.directory = directory;
    this.server = server;
    this.client = client;
  }

  /** Starts the stand-in broker with a certificate of a fresh CA, and a client trusting it. */
  static WatchStreamTarget start() throws Exception {
    Path directory = Files.createTempDirectory("warden-fuzz-watch");
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.openOrCreate(directory.resolve("ca"), now);
    var serverIdentity = ca.issueServer(List.of("127.0.0.1", "localhost"), now);
    var watcher = ca.issueIdentity("warden-watcher", List.of("watcher"), Duration.ofHours(4), now);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(
        new HttpsConfigurator(serverIdentity.asClientIdentity().sslContext()));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    BrokerClient client = BrokerClient.connect(uri, watcher.asClientIdentity());
    WatchStreamTarget target = new WatchStreamTarget(directory, server, client);
    server.createContext("/", target::answer);
    server.start();
    target.catchReaderFailures();
    return target;
  }

  /** Plays one script and checks the client's reading of it. */
  Verdict check(Script played) {
    script = played;
    release = new CountDownLatch(1);
    readerFailures.clear();
    try {
      return checkWatch(played);
    } finally {
      release.countDown();
    }
  }

  private Verdict checkWatch(Script played) {
    Expected expected = Expected.of(played);
    List<WatchEvent> events = new ArrayList<>();
    long started = System.nanoTime();
    BrokerException ended = null;
    Throwable uncaught = null;
    try (WatchStream stream = client.watch(0, IDLE)) {
      while (events.size() <= expected.events().size() + 1) {
        events.add(stream.next());
      }
    } catch (BrokerException e) {
      ended = e;
    } catch (RuntimeException | Error e) {
      uncaught = e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    if (uncaught != null) {
      return broken("uncaught", "the watch threw " + LoaderCheck.trace(uncaught));
    }
    if (!readerFailures.isEmpty()) {
      return broken(
          "uncaught", "the reader thread died of " + LoaderCheck.trace(readerFailures.getFirst()));
    }
    if (ended == null) {
      return broken("too-many", "the stream delivered more events than the script has lines");
    }
    if (took.compareTo(IDLE.plus(SLACK)) > 0) {
      return broken(
          "hang", "the watch took " + took.toMillis() + " ms to end, past the idle limit");
    }
    if (played.status() != 200) {
      return ended instanceof ProblemException || played.status() < 200 || played.status() >= 300
          ? accepted(false)
          : broken("unclear", "a " + played.status() + " answer ended as " + ended);
    }
    return compare(played, expected, events, ended);
  }

  private static Verdict compare(
      Script played, Expected expected, List<WatchEvent> events, BrokerException ended) {
    if (!events.equals(expected.events())) {
      return broken(
          "misread",
          "delivered "
              + events.size()
              + " events where "
              + expected.events().size()
              + " lines parse: "
              + events
              + " instead of "
              + expected.events());
    }
    String message = String.valueOf(ended.getMessage());
    if (!(ended instanceof BrokerUnreachableException) || message.isBlank()) {
      return broken("unclear", "the stream ended with " + ended);
    }
    boolean silent = message.contains("silent");
    if (expected.badLine() != null && !message.contains("not an event")) {
      return broken("unclear", "line '" + expected.badLine() + "' is no event, yet: " + message);
    }
    if (expected.badLine() == null && played.mode() != Mode.STALL && silent) {
      return broken("unclear", "the stream was closed, yet the reader reported: " + message);
    }
    return accepted(expected.badLine() == null);
  }

  private static Verdict accepted(boolean accepted) {
    return new Verdict(accepted, null, null);
  }

  private static Verdict broken(String kind, String violation) {
    return new Verdict(false, kind, violation);
  }

  /**
   * What a correct reader delivers: the events of the leading lines that each parse as an event,
   * blank lines skipped, up to the first line that does not. Lines are cut as {@link
   * java.io.BufferedReader#readLine()} cuts text (LF, CR or CRLF), here on the bytes, and each
   * line's bytes go to the JSON reader as they came; a line is blank when its text, decoded with
   * replacement, is.
   */
  private record Expected(List<WatchEvent> events, @Nullable String badLine) {
    static Expected of(Script played) {
      List<byte[]> lines = lines(played.body());
      if (played.mode() == Mode.STALL) {
        // The connection stays open, so the last piece, if unterminated, is not a line yet.
        lines.removeLast();
      }
      List<WatchEvent> events = new ArrayList<>();
      for (byte[] bytes : lines) {
        if (bytes.length > WatchStream.MAX_LINE) {
          return new Expected(events, "(a line of " + bytes.length + " bytes)");
        }
        String line = new String(bytes, StandardCharsets.UTF_8);
        if (line.isBlank()) {
          continue;
        }
        try {
          events.add(Json.readAnswer(bytes, WatchEvent.class));
        } catch (JsonInputException e) {
          return new Expected(events, line.length() > 200 ? line.substring(0, 200) + "…" : line);
        }
      }
      return new Expected(events, null);
    }

    /** The pieces between line ends, the last one (possibly empty) included. */
    private static List<byte[]> lines(byte[] body) {
      List<byte[]> lines = new ArrayList<>();
      int start = 0;
      for (int at = 0; at < body.length; at++) {
        if (body[at] == '\n' || body[at] == '\r') {
          lines.add(Arrays.copyOfRange(body, start, at));
          if (body[at] == '\r' && at + 1 < body.length && body[at + 1] == '\n') {
            at++;
          }
          start = at + 1;
        }
      }
      lines.add(Arrays.copyOfRange(body, start, body.length));
      return lines;
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    Script playing = script;
    try (exchange) {
      if (playing.status() != 200) {
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        exchange.sendResponseHeaders(
            playing.status(), playing.body().length == 0 ? -1 : playing.body().length);
        exchange.getResponseBody().write(playing.body());
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.flush();
      if (playing.mode() == Mode.PIECES) {
        // Pieces of a few bytes, split anywhere, but no more than a few hundred of them: a line
        // trickling in for longer than the idle limit would rightly be reported as silence.
        int step =
            Math.max(
                1 + Math.floorMod(Objects.hash(playing.body().length), 7),
                playing.body().length / 300);
        for (int at = 0; at < playing.body().length; at += step) {
          out.write(playing.body(), at, Math.min(step, playing.body().length - at));
          out.flush();
        }
      } else {
        out.write(playing.body());
        out.flush();
      }
      if (playing.mode() == Mode.STALL) {
        release.await(IDLE.plus(SLACK).toMillis() * 2, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client stopped reading (it refused a line, or gave up); that is its right.
    }
  }

  /** Virtual threads that die hand their exception to the default handler; catch the reader's. */
  private void catchReaderFailures() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, failure) -> {
          if (thread.getName().startsWith("warden-watch")) {
            readerFailures.add(failure);
          } else if (previousHandler != null) {
            previousHandler.uncaughtException(thread, failure);
          }
        });
  }

  @Override
  public void close() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    release.countDown();
    server.stop(0);
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not a test failure.
    }
  }
}
