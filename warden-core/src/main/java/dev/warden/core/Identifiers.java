package dev.warden.core;

import java.util.regex.Pattern;

/** Validation shared by the typed identifiers, so every id in Warden obeys one character rule. */
public final class Identifiers {

  /** The longest identifier accepted anywhere. */
  public static final int MAX_LENGTH = 253;

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]*");

  private Identifiers() {}

  /**
   * Checks that {@code value} is a safe identifier and returns it unchanged.
   *
   * @param kind what the value names, used in the error message ("role name")
   * @throws IllegalArgumentException naming the value and the rule it breaks
   */
  public static String requireSafe(String kind, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(kind + " must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          kind + " is " + value.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    if (!SAFE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          kind
              + " '"
              + printable(value)
              + "' has characters outside letters, digits and . _ : / @ -"
              + " (and must start with a letter or digit)");
    }
    return value;
  }

  /** Whether {@code value} would pass {@link #requireSafe}. */
  public static boolean isSafe(String value) {
    return !value.isEmpty() && value.length() <= MAX_LENGTH && SAFE.matcher(value).matches();
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
