package dev.warden.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import dev.warden.api.v1.MissingFieldException;
import dev.warden.api.v1.Problem.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JSON mapping of the wire types.
 *
 * <p>Bodies a server receives are read with {@link #readBody}: unknown fields, strings over {@link
 * #MAX_STRING_BYTES}, wrong types and missing required fields are all collected and reported by
 * field path, and text that is not JSON is reported with its line and column. Answers a client
 * receives are read with {@link #readAnswer}, which tolerates fields it does not know so that an
 * older client keeps working against a newer broker.
 */
public final class Json {

  /** The longest string a body may carry, in UTF-8 bytes. */
  public static final int MAX_STRING_BYTES = 1024;

  private static final int MAX_DEPTH = 32;

  private static final ObjectMapper STRICT = build(true);
  private static final ObjectMapper TOLERANT = build(false);

  /**
   * Each record type's fields by name, worked out once per type: every request body is checked
   * against them, and reflecting on the record anew each time was a visible part of a call's cost.
   */
  private static final ClassValue<Map<String, JavaType>> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected Map<String, JavaType> computeValue(Class<?> record) {
          Map<String, JavaType> known = new LinkedHashMap<>();
          for (RecordComponent component : record.getRecordComponents()) {
            known.put(
                component.getName(),
                STRICT.getTypeFactory().constructType(component.getGenericType()));
          }
          return Collections.unmodifiableMap(known);
        }
      };

  /**
   * A reader per type, made once: a reader made for a type looks up its deserializer at creation,
   * where reading through the mapper looks it up, with its class annotations, on every call.
   */
  private static final ClassValue<ObjectReader> STRICT_READERS = readers(STRICT);

  private static final ClassValue<ObjectReader> TOLERANT_READERS = readers(TOLERANT);

  private Json() {}

  private static ClassValue<ObjectReader> readers(ObjectMapper mapper) {
    return new ClassValue<>() {
      @Override
      protected ObjectReader computeValue(Class<?> type) {
        return mapper.readerFor(type);
      }
    };
  }

  /** The mapper for writing wire types and for reading answers; thread-safe. */
  public static ObjectMapper mapper() {
    return TOLERANT;
  }

  /** Writes a wire value as compact UTF-8 JSON. */
  public static byte[] write(Object value) {
    try {
      return TOLERANT.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bug: a wire value could not be written: " + e, e);
    }
  }

  /** Writes a wire value as a compact JSON tree, for embedding in another value. */
  public static JsonNode tree(Object value) {
    return TOLERANT.valueToTree(value);
  }

  /**
   * Reads a request body strictly.
   *
   * @throws JsonInputException naming every offending field, or the position of malformed text
   */
  public static <T> T readBody(byte[] body, Class<T> type) throws JsonInputException {
    // A body that passes the one-pass reading is bound straight from its bytes. Anything else,
    // valid or not, goes the whole way through a tree, which collects every problem before
    // reporting; so the one-pass reading may refuse more than it must, but never accepts what the
    // tree would refuse, and every error a client sees still comes from the tree.
    T value = OnePassBody.read(strictReader(type), body, type);
    return value != null ? value : readBodyThroughTree(body, type);
  }

  /** The strict reader of {@code type}, for reading a body in one pass. */
  static ObjectReader strictReader(Class<?> type) {
    return STRICT_READERS.get(type);
  }

  /** Reads a request body strictly through a tree, collecting every offending field. */
  static <T> T readBodyThroughTree(byte[] body, Class<T> type) throws JsonInputException {
    JsonNode tree = parse(STRICT, body);
    List<FieldError> errors = new ArrayList<>();
    JavaType javaType = STRICT.constructType(type);
    unknownFields(tree, javaType, "", errors);
    longStrings(tree, "", errors);
    if (!errors.isEmpty()) {
      throw JsonInputException.invalid(errors);
    }
    return bind(STRICT, tree, type);
  }

  /**
   * Reads an answer, tolerating fields this version does not know.
   *
   * @throws JsonInputException when the answer is not JSON or does not fit the type
   */
  public static <T> T readAnswer(byte[] body, Class<T> type) throws JsonInputException {
    return readAnswer(body, 0, body.length, type);
  }

  /**
   * As {@link #readAnswer(byte[], Class)}, for the {@code length} bytes of {@code body} from {@code
   * offset}, such as one line of a stream in the buffer it was read into.
   */
  public static <T> T readAnswer(byte[] body, int offset, int length, Class<T> type)
      throws JsonInputException {
    // Straight from the bytes into the type, in one pass: a client reads an answer on every call
    // and every watch event, and going through a tree first doubled that work. Bodies a server
    // receives still go through the tree, which the strict checks need.
    if (isBlank(body, offset, length)) {
      throw JsonInputException.malformed("the body is empty", 1, 1);
    }
    T value;
    try {
      value = TOLERANT_READERS.get(type).readValue(body, offset, length);
    } catch (StreamReadException e) {
      int line = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr());
      int column = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getColumnNr());
      throw JsonInputException.malformed(firstLine(e.getOriginalMessage()), line, column);
    } catch (DatabindException e) {
      throw JsonInputException.invalid(List.of(describe(e)));
    } catch (JsonProcessingException e) {
      throw JsonInputException.invalid(List.of(new FieldError("(body)", e.getOriginalMessage())));
    } catch (IllegalArgumentException e) {
      throw JsonInputException.invalid(List.of(new FieldError("(body)", e.getMessage())));
    } catch (IOException e) {
      throw new UncheckedIOException("bug: reading JSON from memory failed", e);
    }
    if (value == null) {
      throw JsonInputException.invalid(List.of(new FieldError("(body)", "is null")));
    }
    return value;
  }

  private static boolean isBlank(byte[] body, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** The instant's RFC 3339 text, exactly as {@link Instant#toString} writes it. */
  public static String formatInstant(Instant instant) {
    return InstantText.format(instant);
  }

  /**
   * The instant an RFC 3339 text names, as {@link Instant#parse} reads it, in the form the wire
   * writes read without the formatter.
   *
   * @throws java.time.format.DateTimeParseException as {@link Instant#parse} does
   */
  public static Instant parseInstant(String text) {
    Instant quick = InstantText.parse(text);
    return quick != null ? quick : Instant.parse(text);
  }

  /**
   * The duration an ISO-8601 text names, as {@link Duration#parse} reads it, with the common forms
   * the wire writes read without its regular expression.
   *
   * @throws java.time.format.DateTimeParseException as {@link Duration#parse} does
   */
  public static Duration parseDuration(String text) {
    Duration quick = DurationText.parse(text);
    return quick != null ? quick : Duration.parse(text);
  }

  /**
   * Reads a listing answer ({@code {"items": [...], "resourceVersion": N}}) from a stream, handing
   * each item to {@code each} as soon as it is read instead of collecting them, so that a listing
   * of any length is read in the memory of one item. As tolerant as {@link #readAnswer}.
   *
   * @return the listing's {@code resourceVersion}
   * @throws JsonInputException when the text is not JSON, ends early, or an item does not fit;
   *     items read before the failure have been handed over
   * @throws IOException when reading the stream fails
   */
  public static <T> long readListing(InputStream body, Class<T> itemType, Consumer<? super T> each)
      throws JsonInputException, IOException {
    return ListingReader.read(TOLERANT, body, itemType, each);
  }

  /** Reads one answer line of a stream, such as a watch event. */
  public static <T> T readAnswer(String line, Class<T> type) throws JsonInputException {
    return readAnswer(line.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Converts a tree, such as a problem's {@code current} member, into a wire type. */
  public static <T> T convert(JsonNode tree, Class<T> type) throws JsonInputException {
    return bind(TOLERANT, tree, type);
  }

  private static JsonNode parse(ObjectMapper mapper, byte[] body) throws JsonInputException {
    try (JsonParser parser = mapper.createParser(body)) {
      JsonNode tree = mapper.readTree(parser);
      if (tree == null || tree.isMissingNode()) {
        throw JsonInputException.malformed("the body is empty", 1, 1);
      }
      return tree;
    } catch (JsonInputException e) {
      throw e;
    } catch (JsonProcessingException e) {
      int line = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr());
      int column = Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getColumnNr());
      throw JsonInputException.malformed(firstLine(e.getOriginalMessage()), line, column);
    } catch (IOException e) {
      throw new UncheckedIOException("bug: reading JSON from memory failed", e);
    }
  }

  private static <T> T bind(ObjectMapper mapper, JsonNode tree, Class<T> type)
      throws JsonInputException {
    try {
      return mapper.treeToValue(tree, type);
    } catch (DatabindException e) {
      throw JsonInputException.invalid(List.of(describe(e)));
    } catch (JsonProcessingException e) {
      throw JsonInputException.invalid(List.of(new FieldError("(body)", e.getOriginalMessage())));
    } catch (IllegalArgumentException e) {
      throw JsonInputException.invalid(List.of(new FieldError("(body)", e.getMessage())));
    }
  }

  static FieldError describe(DatabindException e) {
    String path = path(e instanceof JsonMappingException m ? m.getPath() : List.of());
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      Throwable cause = v.getCause();
      if (cause instanceof MissingFieldException missing) {
        return new FieldError(join(path, missing.field()), "is required");
      }
      return new FieldError(path.isEmpty() ? "(body)" : path, String.valueOf(cause.getMessage()));
    }
    return new FieldError(path.isEmpty() ? "(body)" : path, friendly(e.getOriginalMessage()));
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** Jackson's messages name Java types; say instead what the JSON should have held. */
  private static String friendly(String message) {
    String text = firstLine(message);
    if (text.contains("java.time.Duration")) {
      return "expected an ISO-8601 duration such as PT4H";
    }
    if (text.contains("java.time.Instant")) {
      return "expected an RFC 3339 UTC time such as 2025-01-31T12:00:00Z";
    }
    if (text.contains("java.util.List") || text.contains("java.util.ArrayList")) {
      return "expected a list";
    }
    if (text.contains("not one of the values accepted for Enum class")) {
      int start = text.indexOf('[');
      return start >= 0 ? "expected one of " + text.substring(start) : "expected a known value";
    }
    if (text.contains("`java.lang.String`")) {
      return "expected a string";
    }
    if (text.contains("`boolean`") || text.contains("`java.lang.Boolean`")) {
      return "expected true or false";
    }
    if (text.contains("`long`") || text.contains("`int`")) {
      return "expected a whole number";
    }
    return text.replaceAll("`[a-z]+(\\.[a-zA-Z0-9_$]+)+`", "value");
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private static void unknownFields(
      JsonNode node, JavaType type, String path, List<FieldError> errors) {
    Class<?> raw = type.getRawClass();
    if (WireModule.OPAQUE.contains(raw) || JsonNode.class.isAssignableFrom(raw)) {
      return;
    }
    if (node.isArray() && type.isCollectionLikeType()) {
      for (int i = 0; i < node.size(); i++) {
        unknownFields(node.get(i), type.getContentType(), path + "[" + i + "]", errors);
      }
    } else if (node.isObject() && type.isMapLikeType()) {
      node.fields()
          .forEachRemaining(
              e ->
                  unknownFields(
                      e.getValue(), type.getContentType(), join(path, e.getKey()), errors));
    } else if (node.isObject() && raw.isRecord()) {
      Map<String, JavaType> known = components(raw);
      node.fields()
          .forEachRemaining(
              e -> {
                JavaType fieldType = known.get(e.getKey());
                if (fieldType == null) {
                  errors.add(
                      new FieldError(
                          join(path, e.getKey()),
                          "unknown field; expected one of " + known.keySet()));
                } else {
                  unknownFields(e.getValue(), fieldType, join(path, e.getKey()), errors);
                }
              });
    }
  }

  private static Map<String, JavaType> components(Class<?> record) {
    return COMPONENTS.get(record);
  }

  private static void longStrings(JsonNode node, String path, List<FieldError> errors) {
    if (node.isTextual()) {
      int bytes = node.textValue().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_STRING_BYTES) {
        errors.add(
            new FieldError(
                path.isEmpty() ? "(body)" : path,
                "is " + bytes + " bytes long; the limit is " + MAX_STRING_BYTES));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        longStrings(node.get(i), path + "[" + i + "]", errors);
      }
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(e -> longStrings(e.getValue(), join(path, e.getKey()), errors));
    }
  }

  private static ObjectMapper build(boolean strict) {
    return build(strict, true);
  }

  /**
   * Builds a mapper.
   *
   * @param handWritten whether instants and request objects go through the hand-written code of
   *     {@link WireModule}; false only in tests that compare it with the Java time module and data
   *     binding
   */
  static ObjectMapper build(boolean strict, boolean handWritten) {
    // Jackson keeps its parse and write buffers per thread by default. The broker serves every
    // call on a new virtual thread, so nothing was ever reused and each call allocated fresh
    // buffers of several KiB; a shared pool reuses them across threads.
    JsonFactory factory =
        JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
    JsonMapper.Builder builder =
        JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .addModule(new WireModule(handWritten))
            // Reads record components and calls constructors through generated lambdas instead
            // of reflection: every call, answer and watch event goes through these mappers.
            .addModule(new BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict);
    ObjectMapper mapper = builder.build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Collection)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    return mapper;
  }
}
