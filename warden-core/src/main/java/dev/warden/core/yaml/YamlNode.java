package dev.warden.core.yaml;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML value with the position it was read from: a mapping, a sequence or a scalar.
 *
 * <p>The typed accessors never throw on bad input: they record a diagnostic in the file's {@link
 * Problems} and return empty, so a loader reports every problem of a file in one pass.
 */
public abstract sealed class YamlNode {

  private final Position position;
  private final Problems problems;

  YamlNode(Position position, Problems problems) {
    this.position = position;
    this.problems = problems;
  }

  public Position position() {
    return position;
  }

  public Problems problems() {
    return problems;
  }

  /** What this node is, for messages: "a mapping", "a list", "a string". */
  abstract String describe();

  /** This node as a mapping, or empty after recording that {@code what} must be one. */
  public Optional<Mapping> asMapping(String what) {
    if (this instanceof Mapping mapping) {
      return Optional.of(mapping);
    }
    problems.error(position, "wrong-type", what + " must be a mapping, not " + describe());
    return Optional.empty();
  }

  /** This node as a sequence, or empty after recording that {@code what} must be one. */
  public Optional<Sequence> asSequence(String what) {
    if (this instanceof Sequence sequence) {
      return Optional.of(sequence);
    }
    problems.error(position, "wrong-type", what + " must be a list, not " + describe());
    return Optional.empty();
  }

  /** This node's text, or empty after recording that {@code what} must be a single value. */
  public Optional<String> asText(String what) {
    if (this instanceof Scalar scalar && !scalar.isNull()) {
      return Optional.of(scalar.text());
    }
    problems.error(position, "wrong-type", what + " must be a single value, not " + describe());
    return Optional.empty();
  }

  /** A quoted or plain string that is not null. */
  public Optional<String> asString(String what, int maxLength) {
    Optional<String> text = asText(what);
    if (text.isPresent() && text.get().length() > maxLength) {
      problems.error(
          position,
          "too-long",
          what + " is " + text.get().length() + " characters long; the limit is " + maxLength);
      return Optional.empty();
    }
    return text;
  }

  /** An integer no smaller than {@code min}. */
  public Optional<Integer> asInt(String what, int min) {
    Optional<String> text = asPlainText(what, "a whole number");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    int value;
    try {
      value = Integer.parseInt(text.get());
    } catch (NumberFormatException e) {
      problems.error(
          position, "wrong-type", what + " must be a whole number, not '" + text.get() + "'");
      return Optional.empty();
    }
    if (value < min) {
      problems.error(
          position, "out-of-range", what + " is " + value + "; it must be at least " + min);
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** {@code true} or {@code false}. */
  public Optional<Boolean> asBoolean(String what) {
    Optional<String> text = asPlainText(what, "true or false");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return switch (text.get()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> {
        problems.error(
            position, "wrong-type", what + " must be true or false, not '" + text.get() + "'");
        yield Optional.empty();
      }
    };
  }

  /** A positive ISO-8601 duration such as {@code PT8H}. */
  public Optional<Duration> asDuration(String what) {
    Optional<String> text = asText(what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Duration duration;
    try {
      duration = Duration.parse(text.get());
    } catch (DateTimeParseException e) {
      problems.error(
          position,
          "bad-duration",
          what + " '" + text.get() + "' is not an ISO-8601 duration",
          "write durations like PT30M, PT8H or P1D");
      return Optional.empty();
    }
    if (duration.isNegative() || duration.isZero()) {
      problems.error(position, "out-of-range", what + " must be longer than zero");
      return Optional.empty();
    }
    return Optional.of(duration);
  }

  /** An RFC 3339 time such as {@code 2026-01-01T12:00:00Z}. */
  public Optional<Instant> asInstant(String what) {
    Optional<String> text = asText(what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.OffsetDateTime.parse(text.get()).toInstant());
    } catch (DateTimeParseException e) {
      problems.error(
          position,
          "bad-time",
          what + " '" + text.get() + "' is not an RFC 3339 time",
          "write times like 2026-01-01T12:00:00Z");
      return Optional.empty();
    }
  }

  /** A list of strings; a single string is not accepted in its place. */
  public Optional<List<String>> asStringList(String what, int maxItems, int maxLength) {
    Optional<Sequence> sequence = asSequence(what);
    if (sequence.isEmpty()) {
      return Optional.empty();
    }
    if (sequence.get().items().size() > maxItems) {
      problems.error(
          position,
          "too-many",
          what + " has " + sequence.get().items().size() + " items; the limit is " + maxItems);
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    boolean ok = true;
    for (YamlNode item : sequence.get().items()) {
      Optional<String> value = item.asString("each item of " + what, maxLength);
      if (value.isPresent()) {
        values.add(value.get());
      } else {
        ok = false;
      }
    }
    return ok ? Optional.of(List.copyOf(values)) : Optional.empty();
  }

  private Optional<String> asPlainText(String what, String expected) {
    if (this instanceof Scalar scalar && !scalar.isNull()) {
      if (!scalar.plain()) {
        problems.error(
            position,
            "wrong-type",
            what + " must be " + expected + ", not the quoted string '" + scalar.text() + "'");
        return Optional.empty();
      }
      return Optional.of(scalar.text());
    }
    problems.error(position, "wrong-type", what + " must be " + expected + ", not " + describe());
    return Optional.empty();
  }

  /** A YAML mapping whose keys are strings, in file order, each key once. */
  public static final class Mapping extends YamlNode {

    private final Map<String, Entry> entries;

    Mapping(Position position, Problems problems, Map<String, Entry> entries) {
      super(position, problems);
      this.entries = entries;
    }

    /** A key with its position and its value. */
    public record Entry(String key, Position keyPosition, YamlNode value) {}

    @Override
    String describe() {
      return "a mapping";
    }

    public Collection<Entry> entries() {
      return entries.values();
    }

    public boolean has(String key) {
      return entries.containsKey(key);
    }

    public Optional<YamlNode> get(String key) {
      Entry entry = entries.get(key);
      return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** The value of a key that must be present; records a diagnostic when it is missing. */
    public Optional<YamlNode> require(String key, String where) {
      Optional<YamlNode> value = get(key);
      if (value.isEmpty()) {
        problems().error(position(), "missing-key", where + " needs the key '" + key + "'");
      }
      return value;
    }

    /** Records an error for every key that is not in {@code known}, suggesting the closest. */
    public void rejectUnknownKeys(Set<String> known, String where) {
      for (Entry entry : entries.values()) {
        if (!known.contains(entry.key())) {
          problems()
              .error(
                  entry.keyPosition(),
                  "unknown-key",
                  "unknown key '" + entry.key() + "' in " + where,
                  hintFor(entry.key(), known));
        }
      }
    }

    private static String hintFor(String key, Set<String> known) {
      String closest = Suggestions.closest(key, known);
      String all = String.join(", ", new TreeSet<>(known));
      return closest == null
          ? "the keys allowed here are " + all
          : "did you mean '" + closest + "'? the keys allowed here are " + all;
    }
  }

  /** A YAML sequence. */
  public static final class Sequence extends YamlNode {

    private final List<YamlNode> items;

    Sequence(Position position, Problems problems, List<YamlNode> items) {
      super(position, problems);
      this.items = List.copyOf(items);
    }

    @Override
    String describe() {
      return "a list";
    }

    public List<YamlNode> items() {
      return items;
    }
  }

  /** A YAML scalar, with whether it was written plain (unquoted) and whether it is null. */
  public static final class Scalar extends YamlNode {

    private final String text;
    private final boolean plain;

    Scalar(Position position, Problems problems, String text, boolean plain) {
      super(position, problems);
      this.text = text;
      this.plain = plain;
    }

    public String text() {
      return text;
    }

    public boolean plain() {
      return plain;
    }

    /** A plain {@code null}, {@code ~} or empty value. */
    public boolean isNull() {
      return plain && (text.isEmpty() || text.equals("null") || text.equals("~"));
    }

    @Override
    String describe() {
      return isNull() ? "an empty value" : "'" + text + "'";
    }
  }
}
