package dev.warden.cli.reliability.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.broker.ca.IssuedIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A real broker, in this process, on loopback and an ephemeral port over real mTLS, and the check
 * of one request against what docs/api.md promises: no answer is a 5xx; every 4xx is {@code
 * application/problem+json} with {@code type}, {@code title}, {@code status} and {@code detail}
 * (and, when present, {@code errors} naming fields); every 2xx is JSON (or the watch stream); every
 * request gets an answer; nothing reaches the broker's log as an unexpected failure; and the broker
 * still serves a valid request afterwards.
 *
 * <p>Requests come from several identities, so that each endpoint is reached past its
 * authorization: an admin, the watcher, a requester, a reviewer, one that renews its certificate,
 * and a caller without any certificate. A separate requester, {@code carol}, only ever sends valid
 * requests, to check the broker still serves; nothing the fuzzer sends names her.
 */
final class BrokerApiTarget implements AutoCloseable {

  /** The identities inputs can come from: name of the identity, then its user and roles. */
  static final Map<String, List<String>> IDENTITIES =
      Map.of(
          "admin", List.of("fuzz-admin", "admin"),
          "watcher", List.of("warden-watcher", "watcher"),
          "alice", List.of("alice", "requester"),
          "reviewer", List.of("bob", "reviewer"),
          "renewer", List.of("dave", "requester"));

  /** The identity without a certificate. */
  static final String ANONYMOUS = "anonymous";

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /**
   * A body beyond this is more than the broker reads and drains before it cuts the client off
   * (docs/api.md: bodies at most 64 KiB), so an answer may be lost while sending it.
   */
  private static final int CUT_OFF_BYTES = 4 << 20;

  /**
   * What became of one request; {@code violation} is null when every promise was kept, and {@code
   * kind} then names anything worth counting, such as {@code cut-off}.
   */
  record Verdict(boolean accepted, @Nullable String kind, @Nullable String violation) {
    static Verdict ok(boolean accepted) {
      return new Verdict(accepted, null, null);
    }

    static Verdict broken(String kind, String violation) {
      return new Verdict(false, kind, violation);
    }
  }

  private final Path directory;
  private final Broker broker;
  private final Map<String, SSLContext> contexts = new LinkedHashMap<>();
  private final SSLContext prober;
  private final LogWatch log = new LogWatch();
  private final List<String> requestIds = new CopyOnWriteArrayList<>();
  private final Map<String, RawHttps.Connection> connections = new java.util.HashMap<>();

  private BrokerApiTarget(Path directory, Broker broker) {
    this.directory = directory;
    this.broker = broker;
    IDENTITIES.forEach((key, nameAndRoles) -> contexts.put(key, issue(nameAndRoles)));
    contexts.put(ANONYMOUS, trustOnly());
    this.prober = issue(List.of("carol", "requester"));
  }

  /** Starts a broker over the example catalog, with a few requests already made. */
  static BrokerApiTarget start() throws Exception {
    Path directory = Files.createTempDirectory("warden-fuzz-broker");
    Path catalog = directory.resolve("catalog.yaml");
    Files.writeString(catalog, Seeds.exampleCatalog());
    Broker broker =
        Broker.start(
            BrokerConfig.of(directory.resolve("data"), catalog)
                .withListen("127.0.0.1", 0)
                .withBookmarkInterval(Duration.ofMillis(100)));
    BrokerApiTarget target = new BrokerApiTarget(directory, broker);
    target.log.install();
    for (int i = 0; i < 3; i++) {
      String failure = target.stillServes();
      if (failure != null) {
        target.close();
        throw new IllegalStateException("the broker does not serve a valid request: " + failure);
      }
    }
    return target;
  }

  /** Ids of requests that exist, for the fuzzer to review and look up. */
  List<String> requestIds() {
    return requestIds;
  }

  /** The broker's CA, to make signing requests with. */
  Broker broker() {
    return broker;
  }

  /** Sends one input and checks the answer. */
  Verdict check(HttpInput input) {
    SSLContext tls = contexts.get(input.identity());
    if (tls == null) {
      throw new IllegalArgumentException("no identity " + input.identity());
    }
    RawHttps.Answer answer;
    try {
      answer = send(input.identity(), tls, input.wire(broker.port()));
    } catch (IOException e) {
      if (input.body().length > CUT_OFF_BYTES) {
        return new Verdict(false, "cut-off", null);
      }
      return Verdict.broken("no-answer", "the broker gave no answer: " + e);
    }
    return judge(input, answer);
  }

  /**
   * Sends on the identity's kept-alive connection. A kept connection that fails is tried once more
   * on a new one, since the server may have closed it while idle; a new one that fails is a request
   * without an answer.
   */
  private RawHttps.Answer send(String identity, SSLContext tls, byte[] request) throws IOException {
    RawHttps.Connection kept = connections.remove(identity);
    if (kept != null && kept.usable()) {
      try {
        RawHttps.Answer answer = kept.exchange(request);
        keep(identity, kept);
        return answer;
      } catch (IOException e) {
        kept.close();
      }
    } else if (kept != null) {
      kept.close();
    }
    RawHttps.Connection fresh = RawHttps.Connection.open(tls, broker.port(), TIMEOUT);
    try {
      RawHttps.Answer answer = fresh.exchange(request);
      keep(identity, fresh);
      return answer;
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
  }

  private void keep(String identity, RawHttps.Connection connection) throws IOException {
    if (connection.usable()) {
      connections.put(identity, connection);
    } else {
      connection.close();
    }
  }

  private static Verdict judge(HttpInput input, RawHttps.Answer answer) {
    int status = answer.status();
    String type = String.valueOf(answer.header("content-type"));
    if (status >= 500) {
      return Verdict.broken("5xx", "status " + status + ": " + answer.bodyText());
    }
    if (status >= 400) {
      String wrong = input.method().equals("HEAD") ? null : problemWrong(status, type, answer);
      return wrong == null
          ? Verdict.ok(false)
          : Verdict.broken("not-problem", "status " + status + " " + wrong);
    }
    if (status < 200 || status >= 300) {
      return Verdict.broken("bad-answer", "status " + status + " is neither 2xx nor 4xx");
    }
    if (answer.streamed() || input.method().equals("HEAD")) {
      return Verdict.ok(true);
    }
    if (!type.equals("application/json")) {
      return Verdict.broken("bad-answer", "status " + status + " with Content-Type " + type);
    }
    try {
      Json.mapper().readTree(answer.body());
    } catch (IOException e) {
      return Verdict.broken("bad-answer", "status " + status + " body is not JSON: " + e);
    }
    return Verdict.ok(true);
  }

  /** What is wrong with a 4xx answer as a problem detail, or null when nothing is. */
  private static @Nullable String problemWrong(int status, String type, RawHttps.Answer answer) {
    if (!type.equals("application/problem+json")) {
      return "has Content-Type " + type + ", not application/problem+json: " + answer.bodyText();
    }
    JsonNode problem;
    try {
      problem = Json.mapper().readTree(answer.body());
    } catch (IOException e) {
      return "body is not JSON: " + e;
    }
    List<String> wrong = new ArrayList<>();
    if (problem == null || !problem.isObject()) {
      return "body is not a JSON object: " + answer.bodyText();
    }
    if (!problem.path("type").asText().startsWith("https://warden.dev/problems/")) {
      wrong.add("type");
    }
    if (!problem.path("title").isTextual() || problem.path("title").asText().isBlank()) {
      wrong.add("title");
    }
    if (problem.path("status").asInt() != status) {
      wrong.add("status");
    }
    if (!problem.path("detail").isTextual() || problem.path("detail").asText().isBlank()) {
      wrong.add("detail");
    }
    JsonNode errors = problem.path("errors");
    if (!errors.isMissingNode()) {
      boolean named = errors.isArray() && !errors.isEmpty();
      for (JsonNode error : errors) {
        named &= error.path("field").isTextual() && !error.path("field").asText().isBlank();
        named &= error.path("detail").isTextual();
      }
      if (!named) {
        wrong.add("errors");
      }
    }
    return wrong.isEmpty() ? null : "problem lacks or misstates " + wrong + ": " + problem;
  }

  /**
   * Checks that the broker still serves: {@code carol} creates a request and reads it back, and the
   * broker is ready.
   *
   * @return what failed, or null
   */
  @Nullable String stillServes() {
    int port = broker.port();
    String body =
        "{\"roles\":[\"dev-db\"],\"resources\":[\"db/dev-orders\"],\"reason\":\"checking the"
            + " broker still serves\",\"ttl\":\"PT1H\"}";
    try {
      RawHttps.Answer created =
          RawHttps.exchange(prober, port, post("/v1/requests", body).wire(port), TIMEOUT);
      if (created.status() != 201) {
        return "creating a valid request answered " + created.status() + ": " + created.bodyText();
      }
      String id = Json.mapper().readTree(created.body()).path("id").asText();
      RawHttps.Answer read =
          RawHttps.exchange(prober, port, get("/v1/requests/" + id).wire(port), TIMEOUT);
      if (read.status() != 200 || !read.bodyText().contains(id)) {
        return "reading request " + id + " answered " + read.status() + ": " + read.bodyText();
      }
      RawHttps.Answer ready = RawHttps.exchange(prober, port, get("/readyz").wire(port), TIMEOUT);
      if (ready.status() != 200) {
        return "/readyz answered " + ready.status() + ": " + ready.bodyText();
      }
      requestIds.add(id);
      return null;
    } catch (IOException e) {
      return "no answer: " + e;
    }
  }

  /** Unexpected failures the broker logged since the last call, each as one text. */
  List<String> takeLogged() {
    return log.take();
  }

  private static HttpInput post(String path, String body) {
    return new HttpInput(
        "carol",
        "POST",
        path,
        List.of("Content-Type: application/json"),
        body.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private static HttpInput get(String path) {
    return new HttpInput("carol", "GET", path, List.of(), new byte[0], false);
  }

  private SSLContext issue(List<String> nameAndRoles) {
    try {
      IssuedIdentity identity =
          broker
              .ca()
              .issueIdentity(
                  nameAndRoles.get(0),
                  nameAndRoles.subList(1, nameAndRoles.size()),
                  Duration.ofHours(4),
                  Instant.now());
      return identity.asClientIdentity().sslContext();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A context that trusts the broker's CA and presents no certificate. */
  private SSLContext trustOnly() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", broker.ca().certificate());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (RawHttps.Connection connection : connections.values()) {
      try {
        connection.close();
      } catch (IOException e) {
        // Closing a connection the server may already have closed; nothing to do.
      }
    }
    log.uninstall();
    broker.close();
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not a test failure.
    }
  }

  /**
   * Watches the broker's log, which goes to java.util.logging, for unexpected failures: anything at
   * ERROR or above, anything that says it is a bug, and any runtime exception or error the JDK's
   * HTTP server caught from a handler (it logs those only at TRACE, so its logger is opened up
   * while the fuzzer runs).
   */
  private static final class LogWatch extends Handler {
    private static final String HTTP_SERVER = "com.sun.net.httpserver";

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private @Nullable Level serverLevel;

    void install() {
      Logger server = Logger.getLogger(HTTP_SERVER);
      serverLevel = server.getLevel();
      server.setLevel(Level.ALL);
      setLevel(Level.ALL);
      Logger.getLogger("").addHandler(this);
    }

    void uninstall() {
      Logger.getLogger("").removeHandler(this);
      Logger.getLogger(HTTP_SERVER).setLevel(serverLevel);
    }

    List<String> take() {
      List<String> taken = new ArrayList<>(seen);
      seen.removeAll(taken);
      return taken;
    }

    @Override
    public void publish(LogRecord record) {
      Throwable thrown = record.getThrown();
      String message = String.valueOf(record.getMessage());
      boolean unexpected =
          record.getLevel().intValue() >= Level.SEVERE.intValue()
              || message.contains("bug:")
              || (thrown != null && !(thrown instanceof IOException));
      if (unexpected) {
        seen.add(
            record.getLoggerName()
                + " "
                + record.getLevel()
                + " "
                + message
                + (thrown == null ? "" : " " + LoaderCheck.trace(thrown)));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
