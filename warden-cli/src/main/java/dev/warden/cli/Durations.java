package dev.warden.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations on the command line: {@code 4h}, {@code 90m}, {@code 1h30m}, {@code 45s}, or ISO. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    Duration duration;
    Matcher matcher = SHORT.matcher(value);
    if (!value.isEmpty() && matcher.matches()) {
      duration =
          Duration.ofDays(group(matcher, 1))
              .plusHours(group(matcher, 2))
              .plusMinutes(group(matcher, 3))
              .plusSeconds(group(matcher, 4));
    } else {
      try {
        duration = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; write it like 4h, 30m, 1h30m or PT4H");
      }
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
    }
    return duration;
  }

  private static long group(Matcher matcher, int group) {
    String text = matcher.group(group);
    return text == null ? 0 : Long.parseLong(text);
  }
}
