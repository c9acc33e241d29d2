package dev.warden.cli;

import dev.warden.core.yaml.InvalidFileException;
import dev.warden.watcher.Watcher;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.config.WatcherConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warden watch --config watcher.yaml}: run the watcher until SIGTERM or Ctrl-C.
 *
 * <p>Exit codes: 0 after a clean shutdown; 1 when it cannot start (a bad configuration or policy,
 * an unusable identity or decision log), with the reason; 2 usage error.
 */
@Command(
    name = "watch",
    description = {
      "Run the watcher: follow the broker, decide every change by the policy, record each"
          + " decision in the decision log before acting on it.",
      "SIGHUP or editing the policy file reloads the policy; SIGTERM stops cleanly."
    })
final class WatchCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The watcher configuration (watcher.yaml).")
  Path config;

  @Option(
      names = "--allow-broader-identity",
      description =
          "Start even when the identity holds permissions beyond what the watcher needs; warns at"
              + " every start and sets warden_identity_excess_permissions above 0. Also the"
              + " configuration key allowBroaderIdentity.")
  boolean allowBroaderIdentity;

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
    WatcherConfig watcherConfig;
    try {
      Path base = config.toAbsolutePath().getParent();
      watcherConfig = WatcherConfigLoader.load(config.toString(), Files.readText(config), base);
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> spec.commandLine().getErr().println(d.format()));
      return 1;
    } catch (UserError e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 1;
    }
    if (allowBroaderIdentity) {
      watcherConfig = watcherConfig.withAllowBroaderIdentity(true);
    }
    return run(watcherConfig, spec);
  }

  static int run(WatcherConfig config, CommandLine.Model.CommandSpec spec)
      throws InterruptedException {
    // The hook goes in before the watcher starts: a SIGTERM during start-up then waits for the
    // start to finish and stops the watcher cleanly, instead of finding no hook and leaving the
    // decision log unclosed (registering after shutdown began fails).
    Lifecycle lifecycle = new Lifecycle();
    Runtime.getRuntime().addShutdownHook(new Thread(lifecycle::stop, "warden-shutdown"));
    Watcher watcher;
    try {
      watcher = lifecycle.start(config);
    } catch (Watcher.StartupException e) {
      spec.commandLine().getErr().println("warden: the watcher cannot start:\n" + e.getMessage());
      return 1;
    }
    if (watcher == null) {
      return 0;
    }
    Signals.onHangup(watcher::reloadPolicy);
    lifecycle.stopped.await();
    return 0;
  }

  /** Starts the watcher and stops it once, whichever comes first of the start and the stop. */
  private static final class Lifecycle {
    private final CountDownLatch stopped = new CountDownLatch(1);
    private @Nullable Watcher watcher;
    private boolean stopping;

    /** Returns the running watcher, or null when the process was told to stop before it began. */
    synchronized @Nullable Watcher start(WatcherConfig config) throws Watcher.StartupException {
      if (stopping) {
        return null;
      }
      watcher = Watcher.start(config, Clock.systemUTC());
      return watcher;
    }

    void stop() {
      synchronized (this) {
        stopping = true;
        if (watcher != null) {
          watcher.close();
        }
      }
      stopped.countDown();
    }
  }
}
