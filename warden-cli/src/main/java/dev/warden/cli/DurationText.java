package dev.warden.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Reads a duration option given as text, naming the option when the text is not a duration. */
final class DurationText {

  private DurationText() {}

  static Duration parse(CommandLine.Model.CommandSpec spec, String option, String text) {
    try {
      return Durations.parse(text.trim());
    } catch (CommandLine.TypeConversionException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " " + e.getMessage());
    }
  }
}
