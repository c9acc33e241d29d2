package dev.warden.cli;

import picocli.CommandLine;

/** Parses {@code --log-format}. */
final class LogOptions {

  private LogOptions() {}

  static Logging.Format format(String value, CommandLine.Model.CommandSpec spec) {
    return switch (value) {
      case "text" -> Logging.Format.TEXT;
      case "json" -> Logging.Format.JSON;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--log-format must be text or json, not '" + value + "'");
    };
  }
}
