package dev.warden.cli.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker killed with SIGKILL and started again on the same port and data, several times while a
 * load arrives, on SQLite and on PostgreSQL. The watcher stays up throughout: it must notice each
 * loss, reconnect, resume its watch, and finish every decision; every request the broker
 * acknowledged must still be there afterwards, and the invariants must hold.
 *
 * <p>PostgreSQL comes from {@code WARDEN_TEST_POSTGRES_URL} (see {@code .ci/postgres-setup.sh});
 * without it the PostgreSQL run is skipped on a developer's machine and fails under {@code
 * CI=true}. Its store lives in a schema of its own, dropped afterwards.
 */
class BrokerCrashIT {

  private static final long REQUESTS = 600;
  private static final double RATE = 40;
  private static final int USERS = 300;

  /** The broker runs this long between kills, at least and at most. */
  private static final int MIN_UP_MS = 3_000;

  private static final int MAX_UP_MS = 6_000;

  /**
   * Kills of the CI-bounded run: each stalls the load for the broker's restart, which takes seconds
   * on a busy machine. A run given {@code reliability.minutes} kills throughout.
   */
  private static final int DEFAULT_KILLS = 3;

  /** The broker stays down this long after a kill, at most. */
  private static final int MAX_DOWN_MS = 1_500;

  private static final String POSTGRES_URL = "WARDEN_TEST_POSTGRES_URL";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void sqlite_brokerKilledAndRestarted_watcherReconnectsAndNothingIsLost() throws Exception {
    run("broker-crash-sqlite", List.of());
  }

  @Test
  void postgres_brokerKilledAndRestarted_watcherReconnectsAndNothingIsLost() throws Exception {
    String url = System.getenv(POSTGRES_URL);
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(
            POSTGRES_URL
                + " is not set, and under CI=true the PostgreSQL broker-crash scenario must run:"
                + " run .ci/postgres-setup.sh and export the URL it prints");
      }
      Assumptions.abort(POSTGRES_URL + " is not set; skipping the PostgreSQL broker-crash run");
    }
    String schema = "warden_rel_" + HexFormat.of().toHexDigits(new SplittableRandom().nextLong());
    String store = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try {
      run("broker-crash-postgres", List.of("--store", store));
    } finally {
      dropSchema(url, schema);
    }
  }

  private void run(String name, List<String> brokerOptions) throws Exception {
    Scenario scenario = Scenario.start(name);
    long requests = Scenario.requests(REQUESTS, RATE);
    ReliabilityLoad load = ReliabilityLoad.planForAnyDelay(USERS, requests, RATE, scenario.seed());
    try (Deployment deployment =
        Deployment.start(
            dir, load.catalogText(), load.policyText(), List.of("watcher"), brokerOptions)) {
      Deployment.WatcherSettings settings = deployment.watcherSettings();
      WardenProcess watcher = deployment.startWatcher(settings);
      load.prepare(deployment.admin, Duration.ofSeconds(2));

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger kills = new AtomicInteger();
      SplittableRandom random = scenario.random("broker-kills");
      Thread killer =
          Thread.ofPlatform()
              .name("broker-killer")
              .start(
                  () -> {
                    int most = Scenario.minutes() > 0 ? Integer.MAX_VALUE : DEFAULT_KILLS;
                    while (sending.get() && kills.get() < most) {
                      WardenProcess.sleep(
                          Duration.ofMillis(MIN_UP_MS + random.nextInt(MAX_UP_MS - MIN_UP_MS)));
                      if (!sending.get()) {
                        return;
                      }
                      deployment.killBroker();
                      kills.incrementAndGet();
                      WardenProcess.sleep(Duration.ofMillis(random.nextInt(MAX_DOWN_MS)));
                      deployment.startBrokerAgain();
                    }
                  });
      load.send(() -> deployment.admin, requests, RATE);
      sending.set(false);
      killer.join();

      ReliabilityLoad.Settled settled = load.settle(deployment.admin, Duration.ofSeconds(60));
      double reconnects = deployment.metric("warden_watch_reconnects_total");
      double gone = deployment.metric("warden_watch_history_gone_total");
      watcher.terminate(Duration.ofSeconds(30));

      Invariants.Report report =
          Invariants.check(
              load.run(
                  deployment.admin, settled, Set.of("watcher"), List.of(settings.decisionLog())));
      scenario
          .count("broker-kills", kills.get())
          .count("watcher-reconnects", Double.isNaN(reconnects) ? 0 : (long) reconnects)
          .count("410s", Double.isNaN(gone) ? 0 : (long) gone)
          .count("create-retries", load.retries())
          .count("catch-up-s", settled.took().toSeconds());
      if (kills.get() == 0 || Double.isNaN(reconnects) || reconnects < kills.get()) {
        throw new AssertionError(
            "the broker was killed "
                + kills.get()
                + " times but the watcher reconnected "
                + reconnects
                + " times"
                + watcher.tail());
      }
      scenario.finish(report);
    }
  }

  /** Drops the run's schema; the URL is {@code postgresql://user:password@host:port/db}. */
  private static void dropSchema(String url, String schema) throws Exception {
    URI uri = URI.create(url);
    String[] credentials =
        uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection connection =
            DriverManager.getConnection(
                jdbc,
                credentials.length > 0 ? credentials[0] : null,
                credentials.length > 1 ? credentials[1] : null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
