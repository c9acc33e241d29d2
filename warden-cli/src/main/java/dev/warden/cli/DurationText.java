package dev.warden.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations given on the command line: ISO-8601 ({@code PT4H}) or short ({@code 24h}). */
final class DurationText {

  private static final Pattern SHORT = Pattern.compile("(\\d+)([smhd])");

  private DurationText() {}

  static Duration parse(CommandLine.Model.CommandSpec spec, String option, String text) {
    Duration duration = parseOrNull(text);
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          option + " '" + text + "' is not a positive duration such as PT1H, 30m, 24h or 7d");
    }
    return duration;
  }

  private static Duration parseOrNull(String text) {
    Matcher matcher = SHORT.matcher(text.trim());
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
