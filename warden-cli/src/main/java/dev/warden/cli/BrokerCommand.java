package dev.warden.cli;

import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.yaml.InvalidFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code warden broker}: runs the access plane until the process is told to stop. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the broker's API v1 over HTTPS with client certificates (mTLS).",
      "Creates the CA in DATA/ca/ on first start. SIGHUP reloads the catalog; SIGTERM stops."
    })
public final class BrokerCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory.")
  Path data;

  @Option(
      names = "--catalog",
      required = true,
      paramLabel = "CATALOG",
      description = "Catalog YAML file.")
  Path catalog;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7443",
      description = "Address to listen on (default: ${DEFAULT-VALUE}); port 0 picks a free one.")
  String listen;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description = "postgresql://user:password@host:port/db; default SQLite DATA/broker.db.")
  String store;

  @Option(
      names = "--pending-ttl",
      paramLabel = "DURATION",
      defaultValue = "PT1H",
      description = "How long a request may stay pending, e.g. PT1H or 30m (default: PT1H).")
  String pendingTtl;

  @Option(
      names = "--history-retention",
      paramLabel = "CHANGES",
      defaultValue = "0",
      description =
          "Keep only the latest CHANGES changes of the watch history; a watcher resuming from"
              + " before them gets 410 Gone and lists again. 0 keeps every change (default: 0)."
              + " The audit trail is always kept whole.")
  long historyRetention;

  @Option(
      names = "--roles",
      paramLabel = "FILE",
      description =
          "YAML file defining roles as {resource, verbs} rules besides the built-in ones"
              + " (docs/identity.md).")
  @org.jspecify.annotations.Nullable
  Path roles;

  @Override
  public Integer call() throws Exception {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--listen '" + listen + "' is not HOST:PORT");
    }
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = port(listen.substring(colon + 1));
    Duration ttl = DurationText.parse(spec, "--pending-ttl", pendingTtl);
    if (historyRetention < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--history-retention " + historyRetention + " is negative; use 0 to keep every change");
    }
    BrokerConfig config =
        BrokerConfig.of(data, catalog)
            .withListen(host, port)
            .withStore(store)
            .withPendingTtl(ttl)
            .withRoles(roles)
            .withHistoryRetention(historyRetention)
            .withReloadOnHangup(true);
    oneLineLogs();

    Broker broker;
    try {
      broker = Broker.start(config);
    } catch (InvalidFileException e) {
      boolean inRoles = roles != null && e.diagnostics().get(0).source().equals(roles.toString());
      String file = inRoles ? "roles file" : "catalog";
      spec.commandLine()
          .getErr()
          .println("warden: the " + file + " has errors:\n" + e.getMessage());
      return 1;
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 1;
    } catch (java.nio.file.NoSuchFileException e) {
      spec.commandLine().getErr().println("warden: " + e.getFile() + ": no such file");
      return 1;
    }
    spec.commandLine().getOut().println("broker listening on " + broker.uri());
    spec.commandLine().getOut().flush();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "warden-broker-shutdown"));
    stopped.await();
    return 0;
  }

  private int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(), "--listen port '" + text + "' is not a number from 0 to 65535");
  }

  /** The JDK's default log format spans two lines; operators grep one line per event. */
  static void oneLineLogs() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
  }
}
