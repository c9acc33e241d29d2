package dev.warden.api.json;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Reads the commonest ISO-8601 durations, {@code PT4H}, {@code PT30M}, {@code PT1H30M15S}, without
 * {@link Duration#parse}, which matches every text against a regular expression: every request
 * object carries its ttl, and each client reads one on every call and watch event.
 *
 * <p>Only the form {@link Duration#toString} writes for a whole number of seconds under a hundred
 * million hours is taken here: {@code PT}, then any of hours, minutes and seconds in that order,
 * each as plain digits and its upper-case letter. Every other text (days, fractions, signs, lower
 * case, nonsense) is left to whoever called, to hand on to {@link Duration#parse}, which accepts or
 * explains it as before; for the texts taken here it gives the same duration.
 */
final class DurationText {

  private static final int MAX_DIGITS = 8;

  private DurationText() {}

  /** The duration {@code text} names in the form above; null for any other text. */
  static @Nullable Duration parse(String text) {
    int length = text.length();
    if (length < 4 || text.charAt(0) != 'P' || text.charAt(1) != 'T') {
      return null;
    }
    long seconds = 0;
    int at = 2;
    // The units still allowed, in order: hours, minutes, seconds.
    int next = 0;
    while (at < length) {
      int start = at;
      long value = 0;
      while (at < length && at - start <= MAX_DIGITS) {
        char c = text.charAt(at);
        if (c < '0' || c > '9') {
          break;
        }
        value = value * 10 + (c - '0');
        at++;
      }
      if (at == start || at == length || at - start > MAX_DIGITS) {
        return null;
      }
      int unit =
          switch (text.charAt(at)) {
            case 'H' -> 0;
            case 'M' -> 1;
            case 'S' -> 2;
            default -> -1;
          };
      if (unit < next) {
        return null;
      }
      seconds += value * (unit == 0 ? 3600 : unit == 1 ? 60 : 1);
      next = unit + 1;
      at++;
    }
    return Duration.ofSeconds(seconds);
  }
}
