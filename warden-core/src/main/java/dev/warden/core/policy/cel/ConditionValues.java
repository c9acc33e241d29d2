package dev.warden.core.policy.cel;

import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.cel.ConditionSchema.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Brings the plain Java values of a condition input into the forms cel-java's interpreter expects.
 *
 * <p>The runtime wants {@code Long} for CEL ints and {@code List} for CEL lists; it reports a
 * {@code Set} or an {@code Integer} as a missing overload, and it compares an element of the wrong
 * type as unequal instead of failing. So every declared field is checked against the schema, and a
 * value is copied only when it needs converting: input built in the native forms (as {@code
 * ConditionInputs} builds it) passes through without allocation. The checks are {@code instanceof}
 * tests, with no reflection. A field the input lacks is left out; CEL reports it when, and only
 * when, the expression reads it.
 */
final class ConditionValues {

  private ConditionValues() {}

  /** A request-shaped or user-shaped map, checked field by field against {@code fields}. */
  static Map<String, Object> struct(
      String path, Map<String, Object> value, Map<String, Kind> fields) throws ConditionException {
    Map<String, Object> copy = null;
    for (Map.Entry<String, Kind> field : fields.entrySet()) {
      Object current = value.get(field.getKey());
      if (current == null) {
        continue;
      }
      Object adapted = adapt(path + "." + field.getKey(), field.getValue(), current);
      if (adapted != current) {
        if (copy == null) {
          copy = new HashMap<>(value);
        }
        copy.put(field.getKey(), adapted);
      }
    }
    return copy == null ? value : copy;
  }

  /** The {@code active} list: each element a request-shaped map. */
  static List<Map<String, Object>> requests(String path, List<Map<String, Object>> values)
      throws ConditionException {
    List<Map<String, Object>> copy = null;
    for (int i = 0; i < values.size(); i++) {
      Map<String, Object> current = values.get(i);
      Map<String, Object> adapted =
          struct(path + "[" + i + "]", current, ConditionSchema.REQUEST_FIELDS);
      if (adapted != current) {
        if (copy == null) {
          copy = new ArrayList<>(values);
        }
        copy.set(i, adapted);
      }
    }
    return copy == null ? values : copy;
  }

  private static Object adapt(String path, Kind kind, Object value) throws ConditionException {
    return switch (kind) {
      case STRING -> {
        if (value instanceof String) {
          yield value;
        }
        throw wrongType(path, value, "a string");
      }
      case INT -> integer(path, value);
      case TIMESTAMP -> {
        if (value instanceof Instant) {
          yield value;
        }
        throw wrongType(path, value, "an Instant");
      }
      case STRING_LIST -> stringList(path, value);
      case TRAITS -> traits(path, value);
    };
  }

  private static Object integer(String path, Object value) throws ConditionException {
    return switch (value) {
      case Long l -> l;
      case Integer i -> Long.valueOf(i);
      case Short s -> Long.valueOf(s);
      case Byte b -> Long.valueOf(b);
      default -> throw wrongType(path, value, "a whole number");
    };
  }

  private static List<?> stringList(String path, Object value) throws ConditionException {
    if (!(value instanceof Collection<?> collection)) {
      throw wrongType(path, value, "a list of strings");
    }
    int index = 0;
    for (Object element : collection) {
      if (!(element instanceof String)) {
        throw wrongType(path + "[" + index + "]", element, "a string");
      }
      index++;
    }
    return collection instanceof List<?> list ? list : List.copyOf(collection);
  }

  private static Map<?, ?> traits(String path, Object value) throws ConditionException {
    if (!(value instanceof Map<?, ?> map)) {
      throw wrongType(path, value, "a map of string to list of strings");
    }
    Map<Object, Object> copy = null;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw wrongType(path + " key", entry.getKey(), "a string");
      }
      Object adapted = stringList(path + "[\"" + key + "\"]", entry.getValue());
      if (adapted != entry.getValue()) {
        if (copy == null) {
          copy = new HashMap<>(map);
        }
        copy.put(key, adapted);
      }
    }
    return copy == null ? map : copy;
  }

  private static ConditionException wrongType(
      String path, @Nullable Object value, String expected) {
    String actual = value == null ? "null" : "a " + value.getClass().getName();
    return new ConditionException(
        "condition input "
            + path
            + " is "
            + actual
            + "; it must be "
            + expected
            + " (this is a bug in the code that built the input)");
  }
}
