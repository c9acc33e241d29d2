package dev.warden.core.policy;

import dev.warden.core.yaml.Position;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Maps a position within an expression read from a YAML scalar back to the file.
 *
 * <p>YAML may fold lines, strip indentation and unescape quoted text, so the expression CEL sees is
 * not always a substring of the file. The locator lays the scalar's source lines end to end and
 * walks them beside the expression; where the two agree up to the wanted character, the position is
 * exact. Where they part (an escape sequence, an unusual fold) before that character, it gives the
 * start of the value instead: a coarse position, never a wrong one.
 */
final class ExpressionLocator {

  private final List<String> lines;

  ExpressionLocator(String text) {
    this.lines = List.of(text.split("\r\n|\r|\n", -1));
  }

  /**
   * The file position of a character of an expression.
   *
   * @param value where the scalar holding the expression starts (its indicator or quote, if any)
   * @param line 1-based line within the expression
   * @param column 1-based column within that line, in code points
   */
  Position locate(Position value, String expression, int line, int column) {
    int target = offsetOf(expression, line, column);
    if (target < 0) {
      return value;
    }

    int consumed = 0;
    @Nullable Segment previous = null;
    for (Segment segment : segments(value)) {
      if (previous != null
          && consumed < expression.length()
          && isBreak(expression.charAt(consumed))) {
        if (target == consumed) {
          return previous.at(previous.text().length());
        }
        consumed++;
      }
      int matched = commonPrefix(expression, consumed, segment.text());
      boolean endsHere = consumed + matched == expression.length();
      if (target < consumed + matched || (target == consumed + matched && endsHere)) {
        return segment.at(target - consumed);
      }
      if (matched < segment.text().length()) {
        return value;
      }
      consumed += matched;
      previous = segment;
    }
    return value;
  }

  /** The char offset in {@code expression} of a 1-based line and code-point column, or -1. */
  private static int offsetOf(String expression, int line, int column) {
    int start = 0;
    for (int i = 1; i < line; i++) {
      int next = expression.indexOf('\n', start);
      if (next < 0) {
        return -1;
      }
      start = next + 1;
    }
    int end = expression.indexOf('\n', start);
    String text = expression.substring(start, end < 0 ? expression.length() : end);
    if (column - 1 > text.codePointCount(0, text.length())) {
      return -1;
    }
    return start + text.offsetByCodePoints(0, column - 1);
  }

  /** The source pieces of the scalar, in order: the part of each of its lines it occupies. */
  private List<Segment> segments(Position value) {
    int first = value.line() - 1;
    if (first >= lines.size()) {
      return List.of();
    }
    String head = lines.get(first);
    int start = charIndex(head, value.column() - 1);
    if (start >= head.length()) {
      return List.of();
    }

    char indicator = head.charAt(start);
    List<Segment> segments = new ArrayList<>();
    if (indicator == '|' || indicator == '>') {
      addBlockLines(first + 1, segments);
      return segments;
    }
    int textStart = indicator == '\'' || indicator == '"' ? start + 1 : start;
    segments.add(new Segment(first + 1, head, textStart));
    addFlowLines(first + 1, segments);
    return segments;
  }

  /** The lines of a block scalar, with the indentation of its first non-blank line removed. */
  private void addBlockLines(int from, List<Segment> segments) {
    int indent = -1;
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      int leading = leadingSpaces(line);
      boolean blank = leading == line.length();
      if (indent < 0 && !blank) {
        indent = leading;
      }
      if (!blank && leading < indent) {
        return;
      }
      segments.add(new Segment(i + 1, line, Math.min(Math.max(indent, 0), line.length())));
    }
  }

  /** The continuation lines of a plain or quoted scalar, each without its leading blanks. */
  private void addFlowLines(int from, List<Segment> segments) {
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      segments.add(new Segment(i + 1, line, leadingSpaces(line)));
    }
  }

  private static int leadingSpaces(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int charIndex(String line, int codePoints) {
    int available = line.codePointCount(0, line.length());
    return codePoints >= available ? line.length() : line.offsetByCodePoints(0, codePoints);
  }

  private static boolean isBreak(char c) {
    return c == ' ' || c == '\n';
  }

  private static int commonPrefix(String expression, int from, String text) {
    int n = 0;
    while (from + n < expression.length()
        && n < text.length()
        && expression.charAt(from + n) == text.charAt(n)) {
      n++;
    }
    return n;
  }

  /** The part of one source line, from char {@code start} on, that the scalar's text came from. */
  private record Segment(int line, String source, int start) {

    String text() {
      return source.substring(start);
    }

    Position at(int charsIn) {
      return new Position(line, source.codePointCount(0, start + charsIn) + 1);
    }
  }
}
