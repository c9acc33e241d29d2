package dev.warden.watcher.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON in the one canonical form the hash chain is computed over.
 *
 * <p>Object keys sorted by code unit, no insignificant white space, strings with only {@code "},
 * {@code \}, and control characters escaped ({@code \b \f \n \r \t}, the rest as a six-character
 * escape with lowercase hex digits), everything else as itself in UTF-8; integers in decimal. That
 * is exactly what Python's {@code json.dumps(value, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False)} writes for the same value, so anyone can recompute a record's hash in a few
 * lines.
 *
 * <p>Values are {@link Map} (string keys), {@link List}, {@link String}, {@link Long} or {@link
 * Integer}, {@link Boolean} and null. Floating-point numbers are refused: their text forms differ
 * between languages, and the log has no use for them.
 */
final class CanonicalJson {

  private CanonicalJson() {}

  static String write(@org.jspecify.annotations.Nullable Object value) {
    StringBuilder out = new StringBuilder(512);
    append(out, value);
    return out.toString();
  }

  /**
   * One member of an object in canonical form: its key, and {@code "key":value} as UTF-8.
   *
   * @param key the member's name, which decides its place among the others
   * @param bytes the member as it appears between the braces and commas of its object
   */
  record Member(String key, byte[] bytes) {

    static Member of(String key, @org.jspecify.annotations.Nullable Object value) {
      StringBuilder out = new StringBuilder(64);
      appendString(out, key);
      out.append(':');
      append(out, value);
      return new Member(key, out.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The members of {@code map} in canonical form and order. An opening brace, the members' bytes
   * joined by commas and a closing brace are exactly what {@link #write} makes of the map; the log
   * renders a record's body this way ahead of time, in the thread that submits it, and adds the
   * members only the chain knows ({@code seq}, {@code prev}, …) in their places.
   */
  static List<Member> members(Map<String, ?> map) {
    TreeMap<String, Object> sorted = new TreeMap<>(map);
    List<Member> members = new ArrayList<>(sorted.size());
    sorted.forEach((key, value) -> members.add(Member.of(key, value)));
    return members;
  }

  private static void append(StringBuilder out, @org.jspecify.annotations.Nullable Object value) {
    switch (value) {
      case null -> out.append("null");
      case String s -> appendString(out, s);
      case Boolean b -> out.append(b.booleanValue());
      case Long l -> out.append(l.longValue());
      case Integer i -> out.append(i.intValue());
      case Map<?, ?> map -> appendObject(out, map);
      case List<?> list -> appendArray(out, list);
      default ->
          throw new IllegalArgumentException(
              "bug: " + value.getClass().getName() + " has no canonical JSON form");
    }
  }

  private static void appendObject(StringBuilder out, Map<?, ?> map) {
    TreeMap<String, Object> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put((String) k, v));
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : sorted.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, entry.getKey());
      out.append(':');
      append(out, entry.getValue());
    }
    out.append('}');
  }

  private static void appendArray(StringBuilder out, List<?> list) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      append(out, list.get(i));
    }
    out.append(']');
  }

  private static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c) && !isPairedSurrogate(s, i)) {
            // A lone surrogate has no UTF-8 form; it could only come from broken input, and
            // writing it would make the line unreadable for every other verifier.
            out.append('\ufffd');
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isPairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
