package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.client.BrokerClient;
import dev.warden.api.json.Json;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.watcher.Watcher;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.log.LogVerifier;
import dev.warden.watcher.metrics.WatcherMetrics;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation under load: a watcher with a 20-second certificate, renewed by the same loop as {@code
 * warden identity renew --loop}, decides a steady flow of requests for two minutes. No action may
 * fail, no request may be missed, the watcher must stay ready throughout, and its watch stream must
 * move from certificate to certificate without ever breaking.
 *
 * <p>A Failsafe test, because it runs for two minutes; CI runs {@code verify}, which runs it, and
 * {@code .ci/expected-suites} fails the build if it did not.
 */
class IdentityRotationIT {

  private static final Duration TTL = Duration.ofSeconds(20);
  private static final Duration RUN = Duration.ofMinutes(2);
  private static final Duration REQUEST_EVERY = Duration.ofMillis(400);
  private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");
  private static final List<String> ROLES =
      List.of("dev-db", "prod-readonly", "research-notebook", "dev-admin");

  /**
   * Every request gets a decision (approve, or deny for a short reason), and research approved
   * after production locks the production grant, so both reviews and locks are sent; nothing
   * escalates, which would leave a request pending on purpose.
   */
  private static final String POLICY =
      """
      apiVersion: warden/v1
      kind: Policy
      name: rotation-test
      mode: enforce
      default: approve
      environments:
        label: env
      rules:
        - name: production-research-separation
          type: exclusive-environments
          environments: [production, research]
          resolve: lock-older
        - name: reason-required
          type: require-reason
          minLength: 10
      """;

  @TempDir Path dir;
  private Broker broker;
  private Watcher watcher;
  private final AtomicBoolean stop = new AtomicBoolean();

  @AfterEach
  void stopAll() {
    stop.set(true);
    if (watcher != null) {
      watcher.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void twentySecondCertificates_renewedForTwoMinutesUnderLoad_noFailureNoMissNoBrokenStream()
      throws Exception {
    Path examples = Path.of("..", "examples");
    broker =
        Broker.start(
            BrokerConfig.of(dir.resolve("data"), examples.resolve("catalog.yaml"))
                .withListen("127.0.0.1", 0)
                .withBookmarkInterval(Duration.ofSeconds(1)));
    Path watcherDir = dir.resolve("watcher");
    broker
        .ca()
        .issueIdentity("watcher", List.of("watcher"), TTL, Instant.now())
        .writeTo(watcherDir);
    BrokerClient admin =
        BrokerClient.connect(
            broker.uri(),
            broker
                .ca()
                .issueIdentity("admin", List.of("admin"), Duration.ofHours(1), Instant.now())
                .asClientIdentity());
    List<Throwable> renewalFailures = new CopyOnWriteArrayList<>();
    Thread renewal = renewalLoop(watcherDir, renewalFailures);
    watcher = Watcher.start(watcherConfig(watcherDir), Clock.systemUTC());
    awaitReady();

    List<RequestId> created = new ArrayList<>();
    List<String> notReady = new ArrayList<>();
    long end = System.nanoTime() + RUN.toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      created.add(admin.createRequest(request(i)).id());
      String reason = watcher.notReady();
      if (reason != null) {
        notReady.add(Instant.now() + " " + reason);
      }
      Thread.sleep(REQUEST_EVERY.toMillis());
    }
    List<RequestObject> decided = awaitAllDecided(admin, created);
    stop.set(true);
    renewal.join(Duration.ofSeconds(5));

    System.out.printf(
        "rotation run: requests=%d actions=%.0f certificates=%d streamMoves=%.0f reconnects=%.0f"
            + " actionFailures=%.0f%n",
        created.size(),
        metric(WatcherMetrics.ACTIONS),
        admin.identity("watcher").certificates().size(),
        metric(WatcherMetrics.WATCH_CERTIFICATE_MOVES),
        metric(WatcherMetrics.WATCH_RECONNECTS),
        metric(WatcherMetrics.ACTION_FAILURES));
    assertThat(renewalFailures).as("renewal loop failures").isEmpty();
    assertThat(notReady).as("moments the watcher was not ready").isEmpty();
    assertThat(decided).as("requests decided").hasSize(created.size());
    assertThat(decided)
        .allSatisfy(r -> assertThat(r.reviews()).as("reviews of %s", r.id()).hasSize(1));
    assertThat(decided).extracting(RequestObject::state).contains(RequestState.DENIED);
    assertThat(metric(WatcherMetrics.ACTION_FAILURES)).as("failed actions").isZero();
    assertThat(metric(WatcherMetrics.ACTIONS)).as("actions sent").isGreaterThan(created.size());
    assertThat(metric(WatcherMetrics.WATCH_RECONNECTS)).as("broken watch streams").isZero();
    assertThat(metric(WatcherMetrics.WATCH_CERTIFICATE_MOVES))
        .as("watch stream moves to a renewed certificate")
        .isGreaterThanOrEqualTo(6);
    IdentityObject inventory = admin.identity("watcher");
    assertThat(inventory.certificates()).hasSizeGreaterThanOrEqualTo(7);
    assertThat(inventory.certificates().subList(0, inventory.certificates().size() - 1))
        .allSatisfy(c -> assertThat(c.renewedFrom()).isNotNull());
    Set<String> actingSerials = actingSerials(dir.resolve("decisions.jsonl"));
    assertThat(actingSerials)
        .as("certificates the watcher decided with")
        .hasSizeGreaterThanOrEqualTo(5);
    assertThat(inventory.certificates().stream().map(IdentityObject.Certificate::serial).toList())
        .containsAll(actingSerials);
    assertThat(LogVerifier.verify(dir.resolve("decisions.jsonl")).ok()).isTrue();
  }

  private Thread renewalLoop(Path watcherDir, List<Throwable> failures) {
    IdentityRenewer renewer = new IdentityRenewer(broker.uri(), watcherDir, Clock.systemUTC());
    return Thread.ofPlatform()
        .name("test-renewal")
        .start(
            () -> {
              try {
                renewer.loop(stop::get);
              } catch (Exception e) {
                failures.add(e);
              }
            });
  }

  private WatcherConfig watcherConfig(Path watcherDir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    return new WatcherConfig(
        broker.uri(),
        watcherDir,
        policy,
        dir.resolve("decisions.jsonl"),
        null,
        WatcherConfig.Source.WATCH,
        WatcherConfig.DEFAULT_POLL_INTERVAL,
        Duration.ofMinutes(5),
        new InetSocketAddress("127.0.0.1", 0),
        null);
  }

  private static NewRequest request(int i) {
    return new NewRequest(
        UserName.of(USERS.get(i % USERS.size())),
        List.of(RoleName.of(ROLES.get(i / USERS.size() % ROLES.size()))),
        List.of(),
        i % 10 == 9 ? "short" : "rotation test request " + i,
        Duration.ofMinutes(30));
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (watcher.notReady() != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the watcher did not become ready: " + watcher.notReady());
      }
      Thread.sleep(50);
    }
  }

  /** Every request once none is pending any more, or fails naming those still pending. */
  private static List<RequestObject> awaitAllDecided(BrokerClient admin, List<RequestId> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Set<RequestId> wanted = new LinkedHashSet<>(ids);
    while (true) {
      List<RequestObject> current =
          admin.listRequests().items().stream().filter(r -> wanted.contains(r.id())).toList();
      List<RequestId> pending =
          current.stream()
              .filter(r -> r.state() == RequestState.PENDING)
              .map(RequestObject::id)
              .toList();
      if (pending.isEmpty() && current.size() == wanted.size()) {
        return current;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(pending.size() + " requests were never decided: " + pending);
      }
      Thread.sleep(200);
    }
  }

  private double metric(String name) {
    double sum = 0;
    for (String line : watcher.metrics().scrape().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The certificate serials named by the decision log's records, in order of first use. */
  private static Set<String> actingSerials(Path log) throws Exception {
    Set<String> serials = new LinkedHashSet<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode record = Json.mapper().readTree(line);
      JsonNode identity = record.path("identity");
      if (identity.has("serial")) {
        serials.add(identity.get("serial").asText());
      }
    }
    return serials;
  }
}
