package dev.warden.cli;

import dev.warden.api.client.ClientIdentity;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.User;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.watcher.Watcher;
import dev.warden.watcher.config.WatcherConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warden up}: the whole system on the embedded default, in one process.
 *
 * <p>A broker on SQLite in the data directory and a watcher with its own identity, talking over
 * mTLS on loopback exactly as they would as separate services. The first run creates the CA and
 * identities; later runs reuse them, issuing fresh certificates only for those about to expire.
 */
@Command(
    name = "up",
    description = {
      "Run broker and watcher together on the embedded default (SQLite), with the example policy"
          + " and catalog unless told otherwise. Ctrl-C stops both."
    })
final class UpCommand implements Callable<Integer> {

  /** Certificates are issued again when less than this is left of them. */
  private static final Duration RENEW_BELOW = Duration.ofHours(8);

  private static final Duration HUMAN_TTL = Duration.ofHours(24);

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "warden-data",
      description = "Where everything is kept (default ./warden-data).")
  Path data;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "The policy (default the" + " shipped examples/policy.yaml).")
  @Nullable Path policy;

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      description = "The catalog (default the" + " shipped examples/catalog.yaml).")
  @Nullable Path catalog;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7443",
      description = "The broker's HTTPS port (default 7443).")
  int port;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "7444",
      description = "The watcher's /healthz, /readyz, /metrics port (default 7444).")
  int metricsPort;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default) or json.")
  String logFormat;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Logging.configure(LogOptions.format(logFormat, spec), java.util.logging.Level.INFO);
    PrintWriter err = spec.commandLine().getErr();
    Path policyFile = policy != null ? policy : shipped("policy.yaml");
    Path catalogFile = catalog != null ? catalog : shipped("catalog.yaml");
    Path dataDir = data.toAbsolutePath().normalize();
    Files.createDirectories(dataDir);

    Broker broker;
    try {
      broker =
          Broker.start(
              BrokerConfig.of(dataDir, catalogFile)
                  .withListen("127.0.0.1", port)
                  .withReloadOnHangup(false));
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return 1;
    } catch (IOException | IllegalStateException e) {
      err.println("warden: the broker cannot start: " + e.getMessage());
      return 1;
    }
    Files.writeString(dataDir.resolve(BrokerOptions.URL_FILE), broker.uri() + "\n");
    Path identities = dataDir.resolve("identities");
    List<String> issued = ensureIdentities(broker, identities);
    ScheduledExecutorService renewals = renewWatcherIdentity(broker, identities);

    WatcherConfig config =
        new WatcherConfig(
            broker.uri(),
            identities.resolve("watcher"),
            policyFile.toAbsolutePath(),
            dataDir.resolve("decisions.jsonl"),
            null,
            WatcherConfig.Source.WATCH,
            WatcherConfig.DEFAULT_POLL_INTERVAL,
            WatcherConfig.DEFAULT_RESYNC_INTERVAL,
            new InetSocketAddress("127.0.0.1", metricsPort),
            null);
    Watcher watcher;
    try {
      watcher = Watcher.start(config, Clock.systemUTC());
    } catch (Watcher.StartupException e) {
      err.println("warden: the watcher cannot start:\n" + e.getMessage());
      renewals.shutdownNow();
      broker.close();
      return 1;
    }
    printSummary(broker, watcher, dataDir, policyFile, catalogFile, issued);
    awaitShutdown(broker, watcher, renewals);
    return 0;
  }

  private static Path shipped(String name) {
    String home = System.getenv("WARDEN_HOME");
    Path base = home == null || home.isBlank() ? Path.of("examples") : Path.of(home, "examples");
    return base.resolve(name);
  }

  /** Issues every identity that is missing or about to expire; returns the names issued. */
  private List<String> ensureIdentities(Broker broker, Path identities) throws IOException {
    List<String> issued = new ArrayList<>();
    Instant now = Instant.now();
    if (ensure(broker, identities, "admin", "admin", HUMAN_TTL, now)) {
      issued.add("admin");
    }
    if (ensure(broker, identities, "watcher", "watcher", HUMAN_TTL, now)) {
      issued.add("watcher");
    }
    Catalog current = broker.catalog().current();
    for (User user : current.users()) {
      if (ensure(broker, identities, user.name().value(), "requester", HUMAN_TTL, now)) {
        issued.add(user.name().value());
      }
    }
    return issued;
  }

  private static boolean ensure(
      Broker broker, Path identities, String name, String role, Duration ttl, Instant now)
      throws IOException {
    Path directory = identities.resolve(name);
    if (Files.isRegularFile(directory.resolve(ClientIdentity.CERTIFICATE))) {
      try {
        ClientIdentity existing = ClientIdentity.load(directory);
        if (existing.expires().isAfter(now.plus(RENEW_BELOW))) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        // Unreadable or from an older CA: issue it again below.
      }
    }
    broker.ca().issueIdentity(name, List.of(role), ttl, now).writeTo(directory);
    return true;
  }

  /**
   * Keeps the in-process watcher's certificate fresh: it is rewritten on disk before it runs low,
   * and the watcher picks the new files up on its next connection.
   */
  private static ScheduledExecutorService renewWatcherIdentity(Broker broker, Path identities) {
    ScheduledExecutorService renewals =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("warden-up-renew").daemon().factory());
    renewals.scheduleAtFixedRate(
        () -> {
          try {
            ensure(broker, identities, "watcher", "watcher", HUMAN_TTL, Instant.now());
          } catch (IOException | RuntimeException e) {
            System.getLogger(UpCommand.class.getName())
                .log(
                    System.Logger.Level.ERROR,
                    "renewing the watcher identity failed: {0}",
                    e.getMessage());
          }
        },
        1,
        1,
        TimeUnit.HOURS);
    return renewals;
  }

  private void printSummary(
      Broker broker,
      Watcher watcher,
      Path dataDir,
      Path policyFile,
      Path catalogFile,
      List<String> issued) {
    PrintWriter out = spec.commandLine().getOut();
    Path relative = Path.of("").toAbsolutePath().relativize(dataDir);
    String d = relative.toString().isEmpty() ? "." : relative.toString();
    out.printf("%nWarden is up.%n");
    out.printf("  broker      %s (SQLite %s)%n", broker.uri(), dataDir.resolve("broker.db"));
    out.printf("  watcher     http://127.0.0.1:%d/readyz and /metrics%n", watcher.statusPort());
    out.printf("  policy      %s%n", policyFile);
    out.printf("  catalog     %s%n", catalogFile);
    out.printf("  decisions   %s%n", dataDir.resolve("decisions.jsonl"));
    out.printf(
        "  identities  %s/identities/{admin,watcher,<user>}%s%n",
        dataDir, issued.isEmpty() ? "" : " (issued now: " + String.join(", ", issued) + ")");
    out.printf("%nTry, in another terminal:%n");
    out.printf(
        "  ./warden request create --data %s --user alice --role prod-db"
            + " --reason \"INC-42 debugging checkout\" --wait%n",
        d);
    out.printf(
        "  ./warden request create --data %s --user alice --role research-notebook"
            + " --reason \"notebook for experiment 7\" --wait%n",
        d);
    out.printf("  ./warden access alice --data %s%n", d);
    out.printf("%nCtrl-C stops broker and watcher.%n%n");
    out.flush();
  }

  private static void awaitShutdown(
      Broker broker, Watcher watcher, ScheduledExecutorService renewals)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    // One handler for both: a second registration would replace the first.
    Signals.onHangup(
        () -> {
          broker.catalog().reload();
          watcher.reloadPolicy();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  renewals.shutdownNow();
                  watcher.close();
                  broker.close();
                  stopped.countDown();
                },
                "warden-shutdown"));
    stopped.await();
  }
}
