package dev.warden.cli;

import picocli.CommandLine;

/**
 * Turns an exception that escaped a subcommand into one clear line and exit code 1.
 *
 * <p>Subcommands report expected failures themselves; what reaches this handler is unexpected, so
 * the stack trace is printed only when {@code WARDEN_DEBUG} is set, never by default.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    commandLine.getErr().println("warden: " + describe(e));
    if (System.getenv("WARDEN_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    return 1;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
