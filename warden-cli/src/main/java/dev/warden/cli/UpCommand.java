package dev.warden.cli;

import dev.warden.api.client.ClientIdentity;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.broker.ca.CertificateAuthority;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warden up}: the whole system on the embedded default, in one process.
 *
 * <p>A broker on SQLite in the data directory and a watcher with its own identity, talking over
 * mTLS on loopback exactly as they would as separate services. The first run creates the CA and
 * identities; later runs reuse them, issuing fresh certificates only for those about to expire. The
 * watcher is a bot with a one-hour certificate, renewed in this process through the broker's
 * renewal endpoint exactly as the {@code warden identity renew --loop} sidecar would.
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

  private static final Duration HUMAN_TTL = CertificateAuthority.DEFAULT_HUMAN_TTL;
  private static final Duration BOT_TTL = CertificateAuthority.DEFAULT_BOT_TTL;

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
    // From here on a stop signal must close what runs, however far the start has got: the
    // watcher, once it exists, writes its closing checkpoint, and the broker closes its store.
    AtomicBoolean stopRenewal = new AtomicBoolean();
    AtomicReference<Watcher> started = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopRenewal.set(true);
                  Watcher running = started.get();
                  if (running != null) {
                    running.close();
                  }
                  broker.close();
                  stopped.countDown();
                },
                "warden-shutdown"));
    Files.writeString(dataDir.resolve(BrokerOptions.URL_FILE), broker.uri() + "\n");
    Path identities = dataDir.resolve("identities");
    List<String> issued = ensureIdentities(broker, identities);
    renewWatcherIdentity(broker, identities, stopRenewal);

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
      started.set(watcher);
    } catch (Watcher.StartupException e) {
      err.println("warden: the watcher cannot start:\n" + e.getMessage());
      stopRenewal.set(true);
      broker.close();
      return 1;
    }
    printSummary(broker, watcher, dataDir, policyFile, catalogFile, issued);
    reloadOnHangup(broker, watcher);
    stopped.await();
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
    if (ensure(broker, identities, "watcher", "watcher", BOT_TTL, now)) {
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
        // A short certificate is kept while the renewal loop can still renew it in time (a third
        // of its life left); a person's while more than RENEW_BELOW is left.
        Duration keepAbove =
            ttl.compareTo(RENEW_BELOW.multipliedBy(2)) < 0 ? ttl.dividedBy(3) : RENEW_BELOW;
        if (existing.expires().isAfter(now.plus(keepAbove))) {
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
   * Keeps the in-process watcher's certificate fresh by renewing it through the broker, the path a
   * separate watcher's sidecar takes; the watcher picks the new files up and moves its watch stream
   * to the new certificate. A refused renewal is logged and ends the renewals: the watcher then
   * reports its certificate's expiry in its readiness and metrics.
   */
  private static void renewWatcherIdentity(Broker broker, Path identities, AtomicBoolean stop) {
    IdentityRenewer renewer =
        new IdentityRenewer(broker.uri(), identities.resolve("watcher"), Clock.systemUTC());
    Thread.ofPlatform()
        .name("warden-up-renew")
        .daemon()
        .start(
            () -> {
              try {
                renewer.loop(stop::get);
              } catch (IdentityRenewer.RenewalFailed e) {
                System.getLogger(UpCommand.class.getName())
                    .log(
                        System.Logger.Level.ERROR,
                        "renewing the watcher identity stopped: {0}",
                        e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
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

  private static void reloadOnHangup(Broker broker, Watcher watcher) {
    // One handler for both: a second registration would replace the first.
    Signals.onHangup(
        () -> {
          broker.catalog().reload();
          watcher.reloadPolicy();
        });
  }
}
