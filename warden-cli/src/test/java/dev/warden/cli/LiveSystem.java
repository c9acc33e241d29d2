package dev.warden.cli;

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
import dev.warden.watcher.Watcher;
import dev.warden.watcher.config.WatcherConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real broker and watcher in this JVM over mTLS on loopback, with the shipped example policy and
 * catalog: the source of real decision logs for the audit and replay commands' tests.
 */
final class LiveSystem implements AutoCloseable {

  final Path directory;
  final Broker broker;
  final BrokerClient admin;
  final Path decisionLog;
  private Watcher watcher;

  private LiveSystem(Path directory, Broker broker, BrokerClient admin) {
    this.directory = directory;
    this.broker = broker;
    this.admin = admin;
    this.decisionLog = directory.resolve("decisions.jsonl");
  }

  static LiveSystem start(Path directory) throws Exception {
    Path examples = Path.of("..", "examples");
    Files.copy(examples.resolve("policy.yaml"), directory.resolve("policy.yaml"));
    Broker broker =
        Broker.start(
            BrokerConfig.of(directory.resolve("broker"), examples.resolve("catalog.yaml"))
                .withListen("127.0.0.1", 0)
                .withBookmarkInterval(Duration.ofSeconds(1)));
    Instant now = Instant.now();
    for (String name : List.of("admin", "watcher")) {
      broker
          .ca()
          .issueIdentity(name, List.of(name), Duration.ofHours(1), now)
          .writeTo(directory.resolve(name));
    }
    LiveSystem system =
        new LiveSystem(
            directory, broker, BrokerClient.connect(broker.uri(), directory.resolve("admin")));
    system.startWatcher();
    return system;
  }

  void startWatcher() throws Watcher.StartupException {
    watcher =
        Watcher.start(
            new WatcherConfig(
                broker.uri(),
                directory.resolve("watcher"),
                directory.resolve("policy.yaml"),
                decisionLog,
                null,
                WatcherConfig.Source.WATCH,
                WatcherConfig.DEFAULT_POLL_INTERVAL,
                Duration.ofMinutes(5),
                new InetSocketAddress("127.0.0.1", 0),
                null),
            Clock.systemUTC());
  }

  /** Stops the watcher, which closes the log with a signed shutdown checkpoint. */
  void stopWatcher() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  /** Asks for access as {@code user} and waits until the watcher has decided. */
  RequestObject decided(String user, List<String> roles, List<String> resources, String reason)
      throws InterruptedException {
    RequestObject created =
        admin.createRequest(
            new NewRequest(
                UserName.of(user),
                roles.stream().map(RoleName::of).toList(),
                resources.stream().map(ResourceId::of).toList(),
                reason,
                Duration.ofHours(4)));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    RequestObject current = created;
    while (current.state() == RequestState.PENDING && System.nanoTime() < deadline) {
      Thread.sleep(20);
      current = admin.getRequest(created.id());
    }
    if (current.state() == RequestState.PENDING) {
      throw new AssertionError("the watcher never decided " + created.id());
    }
    return current;
  }

  RequestObject get(RequestId id) {
    return admin.getRequest(id);
  }

  @Override
  public void close() {
    stopWatcher();
    broker.close();
  }
}
