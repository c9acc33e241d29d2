package dev.warden.api.json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * The RFC 3339 text of an instant, {@code 2026-01-02T03:04:05.123456Z}, written and read without
 * {@link DateTimeFormatter}: every request object has up to three instants and is written on each
 * call and watch event and read by every client, and the formatter was a visible share of both, as
 * well as some of the largest methods the JIT compiler had to work through.
 *
 * <p>The text is exactly {@link DateTimeFormatter#ISO_INSTANT}'s: seconds always, and a fraction
 * only when there is one, in groups of three digits. Years outside 0000–9999 are left to the
 * formatter, and {@link #parse} takes only that exact form, leaving every other text to whoever
 * called it.
 */
final class InstantText {

  /** 0000-01-01T00:00:00Z. */
  private static final long FIRST = -62_167_219_200L;

  /** 9999-12-31T23:59:59Z. */
  private static final long LAST = 253_402_300_799L;

  private static final int SECONDS_PER_DAY = 86_400;

  private InstantText() {}

  /** The instant as {@link DateTimeFormatter#ISO_INSTANT} writes it. */
  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST || seconds > LAST) {
      return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
    int time = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    int nano = instant.getNano();
    char[] text = new char[20 + fractionLength(nano)];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, time / 3600, 2);
    text[13] = ':';
    digits(text, 14, time / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, time % 60, 2);
    int end = 19;
    if (nano != 0) {
      text[end] = '.';
      int length = fractionLength(nano) - 1;
      digits(text, end + 1, nano / pow10(9 - length), length);
      end += 1 + length;
    }
    text[end] = 'Z';
    return new String(text);
  }

  /**
   * The instant that {@code text} names when it has exactly the form {@link #format} writes, with a
   * fraction of any length up to nine digits; null for any other text, including dates that do not
   * exist, which the caller leaves to the formatter to accept or explain.
   */
  static @Nullable Instant parse(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z') {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int nano = fraction(text, 19, length - 1);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return null;
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59 || nano < 0) {
      return null;
    }
    LocalDate first = LocalDate.of(year, month, 1);
    if (day > first.lengthOfMonth()) {
      return null;
    }
    long days = first.toEpochDay() + day - 1;
    return Instant.ofEpochSecond(
        days * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
  }

  private static int fractionLength(int nano) {
    if (nano == 0) {
      return 0;
    }
    if (nano % 1_000_000 == 0) {
      return 4;
    }
    return nano % 1_000 == 0 ? 7 : 10;
  }

  private static int pow10(int exponent) {
    int value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }

  private static void digits(char[] text, int at, int value, int count) {
    for (int i = at + count - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The decimal number in {@code text[at, at + count)}, or -1 if any of it is not a digit. */
  private static int number(String text, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * The nanoseconds of an optional fraction in {@code text[at, end)}: nothing, or a dot and one to
   * nine digits; -1 for anything else.
   */
  private static int fraction(String text, int at, int end) {
    if (at == end) {
      return 0;
    }
    int count = end - at - 1;
    if (text.charAt(at) != '.' || count < 1 || count > 9) {
      return -1;
    }
    int value = number(text, at + 1, count);
    return value < 0 ? -1 : value * pow10(9 - count);
  }
}
