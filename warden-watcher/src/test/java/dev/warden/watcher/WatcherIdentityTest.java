package dev.warden.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestState;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.metrics.WatcherMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher as a governed identity: it checks its permissions against exactly what it needs,
 * follows a renewed certificate without losing its stream, and says when its certificate expired.
 */
class WatcherIdentityTest {

  @TempDir Path dir;
  private Harness harness;
  private Watcher broader;
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() throws Exception {
    harness = Harness.start(dir);
    Logger.getLogger(Watcher.class.getName()).addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger(Watcher.class.getName()).removeHandler(capture);
    if (broader != null) {
      broader.close();
    }
    harness.close();
  }

  @Test
  void watcherWithAdminRole_refusesToStart_namingEachExtraPermission() throws Exception {
    issueWatcher(Duration.ofHours(1), "admin");

    Watcher.StartupException refused =
        assertThrows(Watcher.StartupException.class, () -> harness.startWatcher(Mode.ENFORCE));

    assertThat(refused.getMessage())
        .contains("identity watcher (roles admin) holds 7 permissions the watcher does not need")
        .contains("create requests")
        .contains("create locks, delete locks")
        .contains("list identities, read identities, delete identities")
        .contains("list events")
        .contains("--allow-broader-identity");
  }

  @Test
  void watcherWithAdminRole_andAllowBroaderIdentity_startsActsAndReportsTheExcess()
      throws Exception {
    issueWatcher(Duration.ofHours(1), "admin");

    broader =
        Watcher.start(
            harness.config(Mode.ENFORCE).withAllowBroaderIdentity(true), Clock.systemUTC());
    RequestObject decided =
        harness.awaitDecided(harness.request("bob", List.of("dev-db"), List.of()).id());

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(metric(broader, WatcherMetrics.IDENTITY_EXCESS)).isEqualTo(7);
    assertThat(logged)
        .anySatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.WARNING);
              assertThat(r.getMessage()).contains("broader identity");
            });
  }

  @Test
  void watcherLackingPermissions_refusesToStart_listingWhatIsMissing() throws Exception {
    issueWatcher(Duration.ofHours(1), "reviewer");

    Watcher.StartupException refused =
        assertThrows(Watcher.StartupException.class, () -> harness.startWatcher(Mode.ENFORCE));

    assertThat(refused.getMessage())
        .contains("identity watcher (roles reviewer) lacks permissions the watcher needs:")
        .contains("watch requests, review requests, list locks, read locks, watch locks")
        .contains("create locks (scope warden-*), delete locks (scope warden-*)");
  }

  @Test
  void watcherWithTheWatcherRole_startsWithNoExcess() throws Exception {
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);

    await(() -> watcher.notReady() == null, Duration.ofSeconds(10));

    assertThat(metric(watcher, WatcherMetrics.IDENTITY_EXCESS)).isZero();
  }

  @Test
  void renewedCertificate_movesTheOpenStreamWithoutReconnecting_andKeepsDeciding()
      throws Exception {
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);
    await(() -> watcher.notReady() == null, Duration.ofSeconds(10));

    issueWatcher(Duration.ofHours(1), "watcher");
    await(
        () -> metric(watcher, WatcherMetrics.WATCH_CERTIFICATE_MOVES) >= 1, Duration.ofSeconds(5));
    RequestObject decided =
        harness.awaitDecided(harness.request("bob", List.of("dev-db"), List.of()).id());

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(metric(watcher, WatcherMetrics.WATCH_RECONNECTS)).isZero();
    assertThat(watcher.notReady()).isNull();
  }

  @Test
  void renewalToABroaderIdentity_stopsTheWatcherActing() throws Exception {
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);
    await(() -> watcher.notReady() == null, Duration.ofSeconds(10));

    issueWatcher(Duration.ofHours(1), "admin");
    await(() -> watcher.notReady() != null, Duration.ofSeconds(5));
    RequestObject ignored = harness.request("bob", List.of("dev-db"), List.of());
    Thread.sleep(1500);

    assertThat(watcher.notReady()).contains("stopped acting").contains("create requests");
    assertThat(harness.admin.getRequest(ignored.id()).state()).isEqualTo(RequestState.PENDING);
  }

  @Test
  void revokedWatcher_losesItsStreamWithinASecond_andStopsBeingReady() throws Exception {
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);
    await(() -> watcher.notReady() == null, Duration.ofSeconds(10));

    harness.admin.createLock(
        new NewLock(
            LockId.of("revoked-watcher"), new LockTarget.Identity("watcher"), "test", null));
    long revoked = System.nanoTime();
    await(() -> watcher.notReady() != null, Duration.ofSeconds(5));
    Duration noticed = Duration.ofNanos(System.nanoTime() - revoked);
    RequestObject ignored = harness.request("bob", List.of("dev-db"), List.of());
    Thread.sleep(1000);

    assertThat(noticed).isLessThan(Duration.ofSeconds(1));
    assertThat(watcher.notReady()).contains("not connected");
    assertThat(harness.admin.getRequest(ignored.id()).state()).isEqualTo(RequestState.PENDING);
  }

  @Test
  void expiredCertificate_isReportedInReadinessMetricAndLog() throws Exception {
    issueWatcher(Duration.ofSeconds(3), "watcher");
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);
    Instant expires = Instant.now().plusSeconds(3);

    await(() -> Instant.now().isAfter(expires.plusSeconds(2)), Duration.ofSeconds(10));

    assertThat(watcher.notReady()).contains("certificate expired").contains("renewed");
    assertThat(metric(watcher, WatcherMetrics.IDENTITY_EXPIRY)).isNegative();
    assertThat(logged)
        .anySatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
              assertThat(r.getMessage()).contains("certificate expired").contains("cannot act");
            });
  }

  private void issueWatcher(Duration ttl, String role) throws Exception {
    harness
        .broker
        .ca()
        .issueIdentity("watcher", List.of(role), ttl, Instant.now())
        .writeTo(dir.resolve("watcher"));
  }

  /** The sum of every series of a metric in the watcher's scrape. */
  static double metric(Watcher watcher, String name) {
    double sum = 0;
    for (String line : watcher.metrics().scrape().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
