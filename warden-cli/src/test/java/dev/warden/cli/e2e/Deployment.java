package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A broker and a watcher installed in one temporary directory the way {@code docs/deploy.md}
 * describes, each its own process: identities issued with {@code warden identity issue}, the broker
 * started with {@code warden broker}, the watcher with {@code warden watch --config}.
 *
 * <p>The test talks to the broker as {@code admin} over mTLS, like any other client would.
 */
public final class Deployment implements AutoCloseable {

  private static final Pattern BROKER_URI =
      Pattern.compile("broker listening on (https://\\S+:\\d+)");
  private static final Pattern STATUS_PORT =
      Pattern.compile("status endpoints listening: address=[^:]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path directory;
  public final Path policy;
  public final URI brokerUri;
  public final BrokerClient admin;
  private final List<String> brokerOptions;
  private WardenProcess broker;
  private final HttpClient http = HttpClient.newHttpClient();
  private @Nullable WardenProcess watcher;
  private int statusPort;
  private @Nullable URI watcherBroker;
  private final java.util.Map<String, Integer> statusPorts = new java.util.HashMap<>();

  /**
   * How the watcher is configured.
   *
   * @param mode {@code enforce} or {@code dry-run}
   * @param decisionLog where the watcher writes its decision log
   * @param logFormat {@code text} or {@code json}
   * @param source {@code watch} or {@code poll}
   * @param identity the watcher identity it runs as; also names its config file and process
   * @param broker where the watcher connects, or null for the broker itself (a test may put a proxy
   *     in between)
   */
  public record WatcherSettings(
      String mode,
      Path decisionLog,
      Duration resyncInterval,
      String logFormat,
      String source,
      String identity,
      @Nullable URI broker) {

    public WatcherSettings withMode(String newMode) {
      return new WatcherSettings(
          newMode, decisionLog, resyncInterval, logFormat, source, identity, broker);
    }

    public WatcherSettings withDecisionLog(Path file) {
      return new WatcherSettings(mode, file, resyncInterval, logFormat, source, identity, broker);
    }

    public WatcherSettings withResyncInterval(Duration interval) {
      return new WatcherSettings(mode, decisionLog, interval, logFormat, source, identity, broker);
    }

    public WatcherSettings withLogFormat(String format) {
      return new WatcherSettings(
          mode, decisionLog, resyncInterval, format, source, identity, broker);
    }

    /** {@code poll} lists every second instead of watching. */
    public WatcherSettings polling() {
      return new WatcherSettings(
          mode, decisionLog, resyncInterval, logFormat, "poll", identity, broker);
    }

    /** Runs as another watcher identity, which {@link #start} must have issued. */
    public WatcherSettings withIdentity(String name) {
      return new WatcherSettings(
          mode, decisionLog, resyncInterval, logFormat, source, name, broker);
    }

    /** Connects through {@code uri} instead of straight to the broker. */
    public WatcherSettings withBroker(URI uri) {
      return new WatcherSettings(
          mode, decisionLog, resyncInterval, logFormat, source, identity, uri);
    }
  }

  private Deployment(
      Path directory,
      Path policy,
      WardenProcess broker,
      URI brokerUri,
      List<String> brokerOptions) {
    this.directory = directory;
    this.brokerOptions = List.copyOf(brokerOptions);
    this.policy = policy;
    this.broker = broker;
    this.brokerUri = brokerUri;
    this.admin = BrokerClient.connect(brokerUri, directory.resolve("identities/admin"));
  }

  /** Issues the identities and starts the broker on a free port with the shipped catalog. */
  public static Deployment start(Path directory) throws IOException {
    Path examples = WardenProcess.root().resolve("examples");
    return start(
        directory,
        Files.readString(examples.resolve("catalog.yaml")),
        Files.readString(examples.resolve("policy.yaml")),
        List.of("watcher"),
        List.of());
  }

  /**
   * Issues the identities and starts the broker with a catalog and policy of the caller's.
   *
   * @param watchers the watcher identities to issue, each with the {@code watcher} role
   * @param brokerOptions further options of {@code warden broker}, such as {@code --store URL}
   */
  public static Deployment start(
      Path directory,
      String catalog,
      String policyText,
      List<String> watchers,
      List<String> brokerOptions)
      throws IOException {
    Files.writeString(directory.resolve("catalog.yaml"), catalog);
    Path policy = Files.writeString(directory.resolve("policy.yaml"), policyText);
    issue(directory, "admin", "admin");
    for (String watcher : watchers) {
      issue(directory, watcher, "watcher");
    }

    WardenProcess broker = startBroker(directory, "127.0.0.1:0", brokerOptions);
    try {
      URI uri = URI.create(broker.awaitLine(BROKER_URI, START_TIMEOUT).group(1));
      return new Deployment(directory, policy, broker, uri, brokerOptions);
    } catch (RuntimeException | AssertionError e) {
      broker.close();
      throw e;
    }
  }

  private static WardenProcess startBroker(Path directory, String listen, List<String> options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "broker",
                "--data",
                "broker",
                "--catalog",
                directory.resolve("catalog.yaml").toString(),
                "--listen",
                listen));
    args.addAll(options);
    return WardenProcess.start("broker", directory, args.toArray(String[]::new));
  }

  /** Kills the broker (SIGKILL) and starts it again on the same port and data. */
  public void restartBroker() {
    broker.kill();
    startBrokerAgain();
  }

  /** Kills the broker (SIGKILL) and leaves it down until {@link #startBrokerAgain()}. */
  public void killBroker() {
    broker.kill();
  }

  /** Starts the broker on its old port and data, after {@link #killBroker()}. */
  public void startBrokerAgain() {
    broker = startBroker(directory, brokerUri.getHost() + ":" + brokerUri.getPort(), brokerOptions);
    broker.awaitLine(BROKER_URI, START_TIMEOUT);
  }

  private static void issue(Path directory, String name, String role) {
    int exit =
        WardenProcess.run(
            "identity-" + name,
            directory,
            "identity",
            "issue",
            name,
            "--role",
            role,
            "--data",
            "broker",
            "--out",
            "identities/" + name);
    assertThat(exit).as("warden identity issue " + name).isZero();
  }

  /** The defaults: enforce, the log beside everything else, resync every minute, text logs. */
  public WatcherSettings watcherSettings() {
    return new WatcherSettings(
        "enforce",
        directory.resolve("decisions.jsonl"),
        Duration.ofMinutes(1),
        "text",
        "watch",
        "watcher",
        null);
  }

  /** Starts the watcher and waits until {@code /readyz} says it is ready. */
  public WardenProcess startWatcher(WatcherSettings settings) throws IOException {
    WardenProcess started = launchWatcher(settings);
    statusPort = Integer.parseInt(started.awaitLine(STATUS_PORT, START_TIMEOUT).group(1));
    statusPorts.put(settings.identity(), statusPort);
    awaitTrue(
        () -> status("/readyz").statusCode() == 200,
        START_TIMEOUT,
        () -> "the watcher never became ready: " + status("/readyz").body() + started.tail());
    return started;
  }

  /**
   * Makes watchers started from now on reach the broker at {@code address} instead, such as a proxy
   * in front of it; the test's own admin client keeps talking to the broker directly.
   */
  public void routeWatcherThrough(URI address) {
    watcherBroker = address;
  }

  /** Starts the watcher process without waiting for anything. */
  public WardenProcess launchWatcher(WatcherSettings settings) throws IOException {
    String config = settings.identity() + ".yaml";
    Files.writeString(
        directory.resolve(config),
        """
        broker: %s
        identity: identities/%s
        policy: policy.yaml
        decisionLog: %s
        mode: %s
        source: %s
        pollInterval: PT1S
        resyncInterval: %s
        listen: 127.0.0.1:0
        """
            .formatted(
                settings.broker() != null
                    ? settings.broker()
                    : watcherBroker != null ? watcherBroker : brokerUri,
                settings.identity(),
                settings.decisionLog(),
                settings.mode(),
                settings.source(),
                settings.resyncInterval()));
    WardenProcess started =
        WardenProcess.start(
            settings.identity(),
            directory,
            "watch",
            "--config",
            config,
            "--log-format",
            settings.logFormat());
    watcher = started;
    return started;
  }

  public WardenProcess watcher() {
    if (watcher == null) {
      throw new IllegalStateException("no watcher was started");
    }
    return watcher;
  }

  public WardenProcess broker() {
    return broker;
  }

  /** GET on the watcher's status port; a refused connection is status 0. */
  public HttpResponse<String> status(String path) {
    return status(statusPort, path);
  }

  /** GET on the status port of the watcher last started as {@code identity}. */
  public HttpResponse<String> status(String identity, String path) {
    Integer port = statusPorts.get(identity);
    if (port == null) {
      throw new IllegalStateException("no watcher was started as " + identity);
    }
    return status(port, path);
  }

  private HttpResponse<String> status(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on the watcher failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The value of one un-labelled series in {@code /metrics}, or NaN when it is absent. */
  public double metric(String name) {
    return metric(status("/metrics").body(), name);
  }

  /** {@link #metric(String)} of the watcher last started as {@code identity}. */
  public double metricOf(String identity, String name) {
    return metric(status(identity, "/metrics").body(), name);
  }

  private static double metric(String body, String name) {
    for (String line : body.lines().toList()) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  public RequestObject request(String user, List<String> roles, List<String> resources) {
    return request(user, roles, resources, Duration.ofHours(4));
  }

  public RequestObject request(
      String user, List<String> roles, List<String> resources, Duration ttl) {
    return admin.createRequest(
        new NewRequest(
            UserName.of(user),
            roles.stream().map(RoleName::of).toList(),
            resources.stream().map(ResourceId::of).toList(),
            "INC-4711 investigating the checkout latency",
            ttl));
  }

  /** Polls the broker until the request satisfies {@code done}, or fails after 15 s. */
  public RequestObject await(RequestId id, Predicate<RequestObject> done, String what) {
    RequestObject[] last = {admin.getRequest(id)};
    awaitTrue(
        () -> done.test(last[0] = admin.getRequest(id)),
        Duration.ofSeconds(15),
        () -> "request " + id + " never became " + what + ": " + last[0] + watcherTail());
    return last[0];
  }

  public RequestObject awaitDecided(RequestId id) {
    return await(id, r -> r.state() != RequestState.PENDING, "decided");
  }

  private String watcherTail() {
    return watcher == null ? "" : watcher.tail();
  }

  /** Every lock the broker holds. */
  public List<LockObject> locks() {
    return admin.listLocks().items();
  }

  /** The broker's whole audit trail, oldest first. */
  public List<AuditEvent> auditTrail() {
    List<AuditEvent> all = new ArrayList<>();
    long since = 0;
    while (true) {
      EventList page = admin.events(since);
      if (page.items().isEmpty()) {
        return all;
      }
      all.addAll(page.items());
      since = page.items().getLast().resourceVersion();
    }
  }

  /**
   * The decision log's decision records (intent and outcome), parsed; a torn last line is left out,
   * and so are records of other phases, such as the signed checkpoint written at shutdown.
   */
  public List<JsonNode> decisionRecords(Path log) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (JsonNode record : allRecords(log)) {
      String phase = record.path("phase").asText();
      if (phase.equals("intent") || phase.equals("outcome")) {
        records.add(record);
      }
    }
    return records;
  }

  /** How many complete records the log holds, of every phase. */
  public static int recordCount(Path log) throws IOException {
    return allRecords(log).size();
  }

  private static List<JsonNode> allRecords(Path log) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).lines().toList()) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  /**
   * Runs the independent checker {@code scripts/verify-decision-log.py} on the log and returns its
   * report; fails the test when it does not verify.
   */
  public static String verifyWithPython(Path log) throws IOException, InterruptedException {
    Path script = WardenProcess.root().resolve("scripts/verify-decision-log.py");
    Process process =
        new ProcessBuilder("python3", script.toString(), log.toString())
            .redirectErrorStream(true)
            .start();
    String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    assertThat(exit).as("verify-decision-log.py said: " + report).isZero();
    return report.trim();
  }

  public static void awaitTrue(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure.get());
      }
      WardenProcess.sleep(Duration.ofMillis(50));
    }
  }

  /** Kills the watcher, if one runs; the broker stays. */
  public void stopWatcher() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  /** Kills both processes. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    broker.close();
  }
}
