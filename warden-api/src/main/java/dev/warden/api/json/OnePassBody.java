package dev.warden.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The quick way of reading a request body: one scan of its tokens for anything the strict checks
 * would report, then binding straight from the bytes, without the tree that {@link
 * Json#readBodyThroughTree} builds and walks twice.
 *
 * <p>It only ever says yes or "not me": a body it does not take, for whatever reason, is left to
 * the tree, which then accepts it or reports every problem in it. So it may be stricter than it
 * needs to be (it gives up on fractional and very large numbers, text after the body, and any type
 * with nested records or maps), but it must never accept a body the tree would refuse, nor bind one
 * to a different value; {@code OnePassBodyTest} compares the two on generated bodies.
 */
final class OnePassBody {

  /** Leaf types whose values the tree's unknown-field check never looks into. */
  private static final Set<Class<?>> LEAVES =
      Stream.concat(
              WireModule.OPAQUE.stream(),
              Stream.of(
                  String.class,
                  Duration.class,
                  Instant.class,
                  Boolean.class,
                  Integer.class,
                  Long.class,
                  boolean.class,
                  int.class,
                  long.class))
          .collect(Collectors.toUnmodifiableSet());

  /**
   * Per type, its field names when it is a record whose fields are all leaves or lists of leaves;
   * empty for any other type, which always goes through the tree.
   */
  private static final ClassValue<Optional<Set<String>>> FLAT_FIELDS =
      new ClassValue<>() {
        @Override
        protected Optional<Set<String>> computeValue(Class<?> type) {
          return flatFields(type);
        }
      };

  private OnePassBody() {}

  /**
   * The body bound to {@code type} when it passes every strict check in one pass; null when it is
   * left to the tree.
   */
  static <T> @Nullable T read(ObjectReader reader, byte[] body, Class<T> type) {
    Optional<Set<String>> fields = FLAT_FIELDS.get(type);
    if (fields.isEmpty() || !passes(reader, body, fields.get())) {
      return null;
    }
    try {
      return reader.readValue(body);
    } catch (IOException | RuntimeException e) {
      // A missing field, a wrong type, a value its type refuses: the tree says which.
      return null;
    }
  }

  /**
   * Whether the body is one object whose own keys are all {@code fields}, with no string over the
   * limit and only whole numbers that fit a long, and nothing after it. Duplicate keys and
   * malformed text stop the parser, which counts as no.
   */
  private static boolean passes(ObjectReader reader, byte[] body, Set<String> fields) {
    try (JsonParser parser = reader.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      int depth = 1;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          return false;
        }
        switch (token) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            if (depth == 1 && !fields.contains(parser.currentName())) {
              return false;
            }
          }
          case VALUE_STRING -> {
            if (!shortEnough(parser)) {
              return false;
            }
          }
          case VALUE_NUMBER_INT -> {
            JsonParser.NumberType number = parser.getNumberType();
            if (number != JsonParser.NumberType.INT && number != JsonParser.NumberType.LONG) {
              return false;
            }
          }
          case VALUE_NUMBER_FLOAT, VALUE_EMBEDDED_OBJECT, NOT_AVAILABLE -> {
            return false;
          }
          default -> {
            // true, false and null need no check here.
          }
        }
      }
      return parser.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean shortEnough(JsonParser parser) throws IOException {
    // A character is at most three UTF-8 bytes (a surrogate pair, two characters, is four), so
    // only a long string needs encoding to be measured.
    if (parser.getTextLength() * 3 <= Json.MAX_STRING_BYTES) {
      return true;
    }
    return parser.getText().getBytes(StandardCharsets.UTF_8).length <= Json.MAX_STRING_BYTES;
  }

  private static Optional<Set<String>> flatFields(Class<?> type) {
    if (!type.isRecord()) {
      return Optional.empty();
    }
    RecordComponent[] components = type.getRecordComponents();
    for (RecordComponent component : components) {
      if (!isLeafOrListOfLeaves(component.getGenericType())) {
        return Optional.empty();
      }
    }
    return Optional.of(
        Stream.of(components).map(RecordComponent::getName).collect(Collectors.toSet()));
  }

  private static boolean isLeafOrListOfLeaves(Type type) {
    if (type instanceof Class<?> raw) {
      return LEAVES.contains(raw) || raw.isEnum();
    }
    return type instanceof ParameterizedType list
        && list.getRawType() == List.class
        && list.getActualTypeArguments()[0] instanceof Class<?> element
        && (LEAVES.contains(element) || element.isEnum());
  }
}
