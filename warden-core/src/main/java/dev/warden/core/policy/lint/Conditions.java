package dev.warden.core.policy.lint;

/**
 * Compares custom-rule conditions by their text. Sound but incomplete: two conditions reported as
 * the same are the same program; two that mean the same but are written differently are not found.
 */
final class Conditions {

  private Conditions() {}

  /** Whether two conditions are the same expression, up to white space and outer parentheses. */
  static boolean same(String a, String b) {
    return normal(a).equals(normal(b));
  }

  /** Whether the condition is the literal {@code true}, so it holds for every request. */
  static boolean isTrue(String condition) {
    return normal(condition).equals("true");
  }

  /**
   * The expression with every run of white space outside string literals made one space, trimmed,
   * and stripped of parentheses that enclose all of it. Inside literals nothing changes, so {@code
   * "a b"} and {@code "a b"} stay different.
   *
   * <p>An expression with a backslash, a triple quote or {@code //} is only trimmed: escapes, raw
   * strings and multi-line literals are where a simple scanner could mistake the inside of a
   * literal for the outside, and a comment ends at a line end that collapsing would remove; a wrong
   * guess there could make two different conditions look the same.
   */
  static String normal(String expression) {
    if (expression.indexOf('\\') >= 0
        || expression.contains("//")
        || expression.contains("\"\"\"")
        || expression.contains("'''")) {
      return expression.strip();
    }
    String text = collapseSpace(expression).strip();
    while (text.startsWith("(") && text.endsWith(")") && enclosesAll(text)) {
      text = text.substring(1, text.length() - 1).strip();
    }
    return text;
  }

  private static String collapseSpace(String expression) {
    StringBuilder out = new StringBuilder(expression.length());
    char quote = 0;
    boolean space = false;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (Character.isWhitespace(c)) {
        space = true;
        continue;
      }
      if (space && !out.isEmpty()) {
        out.append(' ');
      }
      space = false;
      if (c == '"' || c == '\'') {
        quote = c;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Whether the opening parenthesis at 0 closes at the very end, outside string literals. */
  private static boolean enclosesAll(String text) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0 && i < text.length() - 1) {
          return false;
        }
      }
    }
    return depth == 0;
  }
}
