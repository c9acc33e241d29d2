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
final class Deployment implements AutoCloseable {

  private static final Pattern BROKER_URI =
      Pattern.compile("broker listening on (https://\\S+:\\d+)");
  private static final Pattern STATUS_PORT =
      Pattern.compile("status endpoints listening: address=[^:]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path directory;
  final Path policy;
  final URI brokerUri;
  final BrokerClient admin;
  private WardenProcess broker;
  private final HttpClient http = HttpClient.newHttpClient();
  private @Nullable WardenProcess watcher;
  private int statusPort;

  /**
   * How the watcher is configured.
   *
   * @param mode {@code enforce} or {@code dry-run}
   * @param decisionLog where the watcher writes its decision log
   * @param logFormat {@code text} or {@code json}
   * @param source {@code watch} or {@code poll}
   */
  record WatcherSettings(
      String mode, Path decisionLog, Duration resyncInterval, String logFormat, String source) {

    WatcherSettings withMode(String newMode) {
      return new WatcherSettings(newMode, decisionLog, resyncInterval, logFormat, source);
    }

    WatcherSettings withDecisionLog(Path file) {
      return new WatcherSettings(mode, file, resyncInterval, logFormat, source);
    }

    WatcherSettings withResyncInterval(Duration interval) {
      return new WatcherSettings(mode, decisionLog, interval, logFormat, source);
    }

    WatcherSettings withLogFormat(String format) {
      return new WatcherSettings(mode, decisionLog, resyncInterval, format, source);
    }

    /** {@code poll} lists every second instead of watching. */
    WatcherSettings polling() {
      return new WatcherSettings(mode, decisionLog, resyncInterval, logFormat, "poll");
    }
  }

  private Deployment(Path directory, Path policy, WardenProcess broker, URI brokerUri) {
    this.directory = directory;
    this.policy = policy;
    this.broker = broker;
    this.brokerUri = brokerUri;
    this.admin = BrokerClient.connect(brokerUri, directory.resolve("identities/admin"));
  }

  /** Issues the identities and starts the broker on a free port with the shipped catalog. */
  static Deployment start(Path directory) throws IOException {
    Path examples = WardenProcess.root().resolve("examples");
    Files.copy(examples.resolve("catalog.yaml"), directory.resolve("catalog.yaml"));
    Path policy = Files.copy(examples.resolve("policy.yaml"), directory.resolve("policy.yaml"));
    issue(directory, "admin", "admin");
    issue(directory, "watcher", "watcher");

    WardenProcess broker = startBroker(directory, "127.0.0.1:0");
    try {
      URI uri = URI.create(broker.awaitLine(BROKER_URI, START_TIMEOUT).group(1));
      return new Deployment(directory, policy, broker, uri);
    } catch (RuntimeException | AssertionError e) {
      broker.close();
      throw e;
    }
  }

  private static WardenProcess startBroker(Path directory, String listen) {
    return WardenProcess.start(
        "broker",
        directory,
        "broker",
        "--data",
        "broker",
        "--catalog",
        directory.resolve("catalog.yaml").toString(),
        "--listen",
        listen);
  }

  /** Kills the broker (SIGKILL) and starts it again on the same port and data. */
  void restartBroker() {
    broker.kill();
    broker = startBroker(directory, brokerUri.getHost() + ":" + brokerUri.getPort());
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
  WatcherSettings watcherSettings() {
    return new WatcherSettings(
        "enforce", directory.resolve("decisions.jsonl"), Duration.ofMinutes(1), "text", "watch");
  }

  /** Starts the watcher and waits until {@code /readyz} says it is ready. */
  WardenProcess startWatcher(WatcherSettings settings) throws IOException {
    WardenProcess started = launchWatcher(settings);
    statusPort = Integer.parseInt(started.awaitLine(STATUS_PORT, START_TIMEOUT).group(1));
    awaitTrue(
        () -> status("/readyz").statusCode() == 200,
        START_TIMEOUT,
        () -> "the watcher never became ready: " + status("/readyz").body() + started.tail());
    return started;
  }

  /** Starts the watcher process without waiting for anything. */
  WardenProcess launchWatcher(WatcherSettings settings) throws IOException {
    Files.writeString(
        directory.resolve("watcher.yaml"),
        """
        broker: %s
        identity: identities/watcher
        policy: policy.yaml
        decisionLog: %s
        mode: %s
        source: %s
        pollInterval: PT1S
        resyncInterval: %s
        listen: 127.0.0.1:0
        """
            .formatted(
                brokerUri,
                settings.decisionLog(),
                settings.mode(),
                settings.source(),
                settings.resyncInterval()));
    WardenProcess started =
        WardenProcess.start(
            "watcher",
            directory,
            "watch",
            "--config",
            "watcher.yaml",
            "--log-format",
            settings.logFormat());
    watcher = started;
    return started;
  }

  WardenProcess watcher() {
    if (watcher == null) {
      throw new IllegalStateException("no watcher was started");
    }
    return watcher;
  }

  WardenProcess broker() {
    return broker;
  }

  /** GET on the watcher's status port; a refused connection is status 0. */
  HttpResponse<String> status(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path))
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
  double metric(String name) {
    for (String line : status("/metrics").body().lines().toList()) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  RequestObject request(String user, List<String> roles, List<String> resources) {
    return request(user, roles, resources, Duration.ofHours(4));
  }

  RequestObject request(String user, List<String> roles, List<String> resources, Duration ttl) {
    return admin.createRequest(
        new NewRequest(
            UserName.of(user),
            roles.stream().map(RoleName::of).toList(),
            resources.stream().map(ResourceId::of).toList(),
            "INC-4711 investigating the checkout latency",
            ttl));
  }

  /** Polls the broker until the request satisfies {@code done}, or fails after 15 s. */
  RequestObject await(RequestId id, Predicate<RequestObject> done, String what) {
    RequestObject[] last = {admin.getRequest(id)};
    awaitTrue(
        () -> done.test(last[0] = admin.getRequest(id)),
        Duration.ofSeconds(15),
        () -> "request " + id + " never became " + what + ": " + last[0] + watcherTail());
    return last[0];
  }

  RequestObject awaitDecided(RequestId id) {
    return await(id, r -> r.state() != RequestState.PENDING, "decided");
  }

  private String watcherTail() {
    return watcher == null ? "" : watcher.tail();
  }

  /** Every lock the broker holds. */
  List<LockObject> locks() {
    return admin.listLocks().items();
  }

  /** The broker's whole audit trail, oldest first. */
  List<AuditEvent> auditTrail() {
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
  List<JsonNode> decisionRecords(Path log) throws IOException {
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
  static int recordCount(Path log) throws IOException {
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
  static String verifyWithPython(Path log) throws IOException, InterruptedException {
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

  static void awaitTrue(
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
  void stopWatcher() {
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
