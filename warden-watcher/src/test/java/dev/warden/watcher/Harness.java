package dev.warden.watcher;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.config.WatcherConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A real broker and a real watcher in this JVM, talking over mTLS on loopback, with the shipped
 * example catalog and policy. Process-level tests live in the CLI module; this harness keeps the
 * watcher's own tests fast.
 */
final class Harness implements AutoCloseable {

  final Path directory;
  Broker broker;
  final BrokerClient admin;
  final Path decisionLog;
  final Path policy;
  private Watcher watcher;

  private Harness(Path directory, Broker broker, BrokerClient admin, Path policy) {
    this.directory = directory;
    this.broker = broker;
    this.admin = admin;
    this.policy = policy;
    this.decisionLog = directory.resolve("decisions.jsonl");
  }

  static Harness start(Path directory) throws Exception {
    Path examples = Path.of("..", "examples");
    Path policy = directory.resolve("policy.yaml");
    Files.copy(examples.resolve("policy.yaml"), policy);
    Broker broker =
        Broker.start(
            BrokerConfig.of(directory.resolve("broker"), examples.resolve("catalog.yaml"))
                .withListen("127.0.0.1", 0)
                .withBookmarkInterval(Duration.ofSeconds(1)));
    Instant now = Instant.now();
    broker
        .ca()
        .issueIdentity("admin", List.of("admin"), Duration.ofHours(1), now)
        .writeTo(directory.resolve("admin"));
    broker
        .ca()
        .issueIdentity("watcher", List.of("watcher"), Duration.ofHours(1), now)
        .writeTo(directory.resolve("watcher"));
    BrokerClient admin = BrokerClient.connect(broker.uri(), directory.resolve("admin"));
    return new Harness(directory, broker, admin, policy);
  }

  /**
   * Starts a broker on the same data (the same CA, so every identity stays valid) with {@code
   * configure} applied, listening on {@code port}; the caller closes the old one first.
   */
  Broker startBroker(int port, UnaryOperator<BrokerConfig> configure) throws Exception {
    Path examples = Path.of("..", "examples");
    return Broker.start(
        configure.apply(
            BrokerConfig.of(directory.resolve("broker"), examples.resolve("catalog.yaml"))
                .withListen("127.0.0.1", port)
                .withBookmarkInterval(Duration.ofSeconds(1))));
  }

  WatcherConfig config(Mode mode) {
    return new WatcherConfig(
        broker.uri(),
        directory.resolve("watcher"),
        policy,
        decisionLog,
        mode,
        WatcherConfig.Source.WATCH,
        WatcherConfig.DEFAULT_POLL_INTERVAL,
        Duration.ofMinutes(5),
        new InetSocketAddress("127.0.0.1", 0),
        null);
  }

  Watcher startWatcher(Mode mode) throws Watcher.StartupException {
    return startWatcher(config(mode));
  }

  /** Starts a watcher with a configuration of the caller's, such as one naming a proxy. */
  Watcher startWatcher(WatcherConfig config) throws Watcher.StartupException {
    watcher = Watcher.start(config, Clock.systemUTC());
    return watcher;
  }

  void stopWatcher() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  RequestObject request(String user, List<String> roles, List<String> resources) {
    return admin.createRequest(
        new NewRequest(
            UserName.of(user),
            roles.stream().map(RoleName::of).toList(),
            resources.stream().map(ResourceId::of).toList(),
            "INC-42 debugging the checkout",
            Duration.ofHours(4)));
  }

  /** Polls the broker until the request satisfies {@code done}, or fails after 10 s. */
  RequestObject await(RequestId id, Predicate<RequestObject> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    RequestObject current = admin.getRequest(id);
    while (!done.test(current)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("request " + id + " never reached the expected state: " + current);
      }
      Thread.sleep(20);
      current = admin.getRequest(id);
    }
    return current;
  }

  RequestObject awaitDecided(RequestId id) throws InterruptedException {
    return await(id, r -> r.state() != RequestState.PENDING);
  }

  @Override
  public void close() {
    stopWatcher();
    broker.close();
  }
}
