package dev.warden.cli;

import dev.warden.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code warden} command.
 *
 * <p>Exit codes, for every subcommand: 0 success, 1 the operation failed, 2 usage error. A
 * subcommand may document more (for example {@code policy check} exits 3 on warnings only).
 */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    versionProvider = Warden.Version.class,
    description = "Just-in-time access enforcement.",
    subcommands = {
      UpCommand.class,
      BenchCommand.class,
      BrokerCommand.class,
      WatchCommand.class,
      IdentityCommand.class,
      PolicyCommand.class,
      RequestCommand.class,
      LockCommand.class,
      AccessCommand.class,
      AuditCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Warden implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    useShutdownSafeLogging();
    System.exit(run(args));
  }

  /**
   * Names {@link ShutdownSafeLogManager} as the log manager unless another was chosen. The JDK
   * reads the property once, when logging starts, so this must run before anything logs.
   */
  private static void useShutdownSafeLogging() {
    String property = "java.util.logging.manager";
    if (System.getProperty(property) == null) {
      System.setProperty(property, ShutdownSafeLogManager.class.getName());
    }
  }

  /** Runs the command line and returns the exit code, without exiting; tests use this. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Warden());
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    return commandLine.execute(args);
  }

  /** Runs the command line with its output and errors going to the given writers; for tests. */
  static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Warden());
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    commandLine.setOut(out);
    commandLine.setErr(err);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
  }

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Warden.class.getPackage().getImplementationVersion();
      return new String[] {"warden " + (version == null ? "development build" : version)};
    }
  }
}
