package dev.warden.core;

/** Validation shared by the typed identifiers, so every id in Warden obeys one character rule. */
public final class Identifiers {

  /** The longest identifier accepted anywhere. */
  public static final int MAX_LENGTH = 253;

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
    if (!safeCharacters(value)) {
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
    return !value.isEmpty() && value.length() <= MAX_LENGTH && safeCharacters(value);
  }

  /**
   * Whether {@code value} is {@code [A-Za-z0-9][A-Za-z0-9._:/@-]*}. Written as a loop rather than a
   * regular expression because every id of every request passes through it, and a replay of
   * millions of requests spent a noticeable share of its time in the regex engine.
   */
  private static boolean safeCharacters(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alphanumeric =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      boolean punctuation = c == '.' || c == '_' || c == ':' || c == '/' || c == '@' || c == '-';
      if (!alphanumeric && (i == 0 || !punctuation)) {
        return false;
      }
    }
    return !value.isEmpty();
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
