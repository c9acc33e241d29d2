package dev.warden.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.deser.DurationDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Teaches Jackson the core's typed ids (written as plain strings), lock targets (an object with
 * exactly one key) and watch events (a sealed family told apart by {@code type} and {@code kind}).
 */
final class WireModule extends SimpleModule {

  /** The classes this module reads itself; the unknown-field check does not look inside them. */
  static final Set<Class<?>> OPAQUE =
      Set.of(
          RequestId.class,
          UserName.class,
          RoleName.class,
          ResourceId.class,
          LockId.class,
          LockTarget.class,
          WatchEvent.class);

  private static final List<String> TARGET_KINDS = List.of("request", "user", "role", "identity");

  WireModule() {
    this(true);
  }

  /**
   * @param handWritten whether instants are written and read by {@link InstantText}, durations read
   *     by {@link DurationText}, and request objects written by {@link RequestObjectSerializer};
   *     without, they are the Java time module's and data binding's, which tests compare against
   */
  WireModule(boolean handWritten) {
    super("warden-wire");
    id(RequestId.class, RequestId::of, RequestId::value);
    id(UserName.class, UserName::of, UserName::value);
    id(RoleName.class, RoleName::of, RoleName::value);
    id(ResourceId.class, ResourceId::of, ResourceId::value);
    id(LockId.class, LockId::of, LockId::value);
    addSerializer(LockTarget.class, new TargetSerializer());
    addDeserializer(LockTarget.class, new TargetDeserializer());
    addSerializer(WatchEvent.class, new WatchEventSerializer());
    addDeserializer(WatchEvent.class, new WatchEventDeserializer());
    if (handWritten) {
      // Registered after the Java time module, so these are the ones used for instants.
      addSerializer(Instant.class, new InstantTextSerializer());
      addDeserializer(
          Instant.class,
          new QuickTextDeserializer<>(
              Instant.class, InstantText::parse, InstantDeserializer.INSTANT));
      addDeserializer(
          Duration.class,
          new QuickTextDeserializer<>(
              Duration.class, DurationText::parse, DurationDeserializer.INSTANCE));
      addSerializer(RequestObject.class, new RequestObjectSerializer());
    }
  }

  private <T> void id(Class<T> type, Function<String, T> parse, Function<T, String> text) {
    addSerializer(
        type,
        new JsonSerializer<T>() {
          @Override
          public void serialize(T value, JsonGenerator out, SerializerProvider provider)
              throws IOException {
            out.writeString(text.apply(value));
          }
        });
    addDeserializer(
        type,
        new JsonDeserializer<T>() {
          @Override
          public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
            if (in.currentToken() != JsonToken.VALUE_STRING) {
              return context.reportInputMismatch(type, "expected a string");
            }
            try {
              return parse.apply(in.getText());
            } catch (IllegalArgumentException e) {
              return context.reportInputMismatch(type, e.getMessage());
            }
          }
        });
  }

  /**
   * Writes instants through {@link InstantText}, the same text as the Java time module's serializer
   * with dates not written as timestamps, which is how the mappers are configured; a mapper
   * configured otherwise gets the module's serializer.
   */
  private static final class InstantTextSerializer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
        InstantSerializer.INSTANCE.serialize(value, out, provider);
      } else {
        out.writeString(InstantText.format(value));
      }
    }

    @Override
    public Class<Instant> handledType() {
      return Instant.class;
    }
  }

  /**
   * Reads a value whose text {@code quick} takes without the Java time module (an instant in the
   * form {@link InstantText} writes, a duration in a form {@link DurationText} takes), and hands
   * every other input (other forms, numbers, empty strings, nonsense) to the module's deserializer,
   * which accepts or explains it as before.
   */
  private static final class QuickTextDeserializer<T> extends JsonDeserializer<T>
      implements ContextualDeserializer {

    private final Class<T> type;
    private final Function<String, @Nullable T> quick;
    private final JsonDeserializer<? extends T> module;

    QuickTextDeserializer(
        Class<T> type, Function<String, @Nullable T> quick, JsonDeserializer<? extends T> module) {
      this.type = type;
      this.quick = quick;
      this.module = module;
    }

    @Override
    public JsonDeserializer<?> createContextual(
        DeserializationContext context, @Nullable BeanProperty property)
        throws JsonMappingException {
      JsonDeserializer<?> contextual =
          module instanceof ContextualDeserializer c
              ? c.createContextual(context, property)
              : module;
      @SuppressWarnings("unchecked")
      JsonDeserializer<? extends T> typed = (JsonDeserializer<? extends T>) contextual;
      return typed == module ? this : new QuickTextDeserializer<>(type, quick, typed);
    }

    @Override
    public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
      if (in.currentToken() == JsonToken.VALUE_STRING) {
        @Nullable T value = quick.apply(in.getText());
        if (value != null) {
          return value;
        }
      }
      return module.deserialize(in, context);
    }

    @Override
    public LogicalType logicalType() {
      return module.logicalType();
    }

    @Override
    public Class<?> handledType() {
      return type;
    }
  }

  private static final class TargetSerializer extends JsonSerializer<LockTarget> {
    @Override
    public void serialize(LockTarget target, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeStartObject();
      out.writeStringField(target.kind(), target.value());
      out.writeEndObject();
    }
  }

  private static final class TargetDeserializer extends JsonDeserializer<LockTarget> {
    @Override
    public LockTarget deserialize(JsonParser in, DeserializationContext context)
        throws IOException {
      JsonNode node = context.readTree(in);
      if (!node.isObject()) {
        return context.reportInputMismatch(
            LockTarget.class, "expected an object with one of request, user, role, identity");
      }
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      List<String> unknown = keys.stream().filter(k -> !TARGET_KINDS.contains(k)).toList();
      if (!unknown.isEmpty()) {
        return context.reportInputMismatch(
            LockTarget.class,
            "unknown field(s) " + unknown + "; a target has exactly one of " + TARGET_KINDS);
      }
      if (keys.size() != 1) {
        return context.reportInputMismatch(
            LockTarget.class,
            "a target has exactly one of " + TARGET_KINDS + ", but this one has " + keys);
      }
      String kind = keys.get(0);
      JsonNode value = node.get(kind);
      if (!value.isTextual()) {
        return context.reportInputMismatch(LockTarget.class, kind + " must be a string");
      }
      try {
        return LockTarget.of(kind, value.asText());
      } catch (IllegalArgumentException e) {
        return context.reportInputMismatch(LockTarget.class, e.getMessage());
      }
    }
  }

  private static final class WatchEventSerializer extends JsonSerializer<WatchEvent> {
    @Override
    public void serialize(WatchEvent event, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeStartObject();
      switch (event) {
        case WatchEvent.RequestChange change -> {
          out.writeStringField("type", change.type().name());
          out.writeStringField("kind", "request");
          provider.defaultSerializeField("object", change.object(), out);
        }
        case WatchEvent.LockChange change -> {
          out.writeStringField("type", change.type().name());
          out.writeStringField("kind", "lock");
          provider.defaultSerializeField("object", change.object(), out);
        }
        case WatchEvent.Bookmark bookmark -> {
          out.writeStringField("type", "BOOKMARK");
          out.writeNullField("kind");
          out.writeNullField("object");
        }
      }
      out.writeNumberField("resourceVersion", event.resourceVersion());
      out.writeEndObject();
    }
  }

  /**
   * Reads a watch event in one pass when, as the broker writes it, {@code kind} comes before {@code
   * object}: the object is then bound straight from the parser. Events are the watcher's most
   * frequent input, and reading each into a tree first, then binding the tree, was a large share of
   * its CPU. An object that comes before its kind is kept as a tree until the kind is known.
   */
  private static final class WatchEventDeserializer extends JsonDeserializer<WatchEvent>
      implements ContextualDeserializer {

    /**
     * The objects' deserializers, looked up once per mapper rather than once per event (null before
     * contextualization, when each event looks them up).
     */
    private final @Nullable JsonDeserializer<Object> requests;

    private final @Nullable JsonDeserializer<Object> locks;

    WatchEventDeserializer() {
      this(null, null);
    }

    private WatchEventDeserializer(
        @Nullable JsonDeserializer<Object> requests, @Nullable JsonDeserializer<Object> locks) {
      this.requests = requests;
      this.locks = locks;
    }

    @Override
    public JsonDeserializer<?> createContextual(
        DeserializationContext context, @Nullable BeanProperty property)
        throws JsonMappingException {
      return new WatchEventDeserializer(
          context.findRootValueDeserializer(context.constructType(RequestObject.class)),
          context.findRootValueDeserializer(context.constructType(LockObject.class)));
    }

    @Override
    public WatchEvent deserialize(JsonParser in, DeserializationContext context)
        throws IOException {
      if (in.currentToken() != JsonToken.START_OBJECT) {
        return context.reportInputMismatch(WatchEvent.class, "a watch event is an object");
      }
      String type = "";
      String kind = "";
      long version = -1;
      @Nullable Object body = null;
      @Nullable JsonNode pending = null;
      for (String key = in.nextFieldName(); key != null; key = in.nextFieldName()) {
        JsonToken token = in.nextToken();
        switch (key) {
          case "type" -> type = token == JsonToken.VALUE_STRING ? in.getText() : "";
          case "kind" -> kind = token == JsonToken.VALUE_STRING ? in.getText() : "";
          case "resourceVersion" -> version = version(in, token);
          case "object" -> {
            @Nullable Class<?> target = objectType(kind);
            if (target != null && token == JsonToken.START_OBJECT) {
              body = object(in, context, target);
            } else {
              pending = context.readTree(in);
            }
          }
          default -> {
            return context.reportInputMismatch(WatchEvent.class, "unknown field '" + key + "'");
          }
        }
      }
      return event(context, type, kind, version, body, pending);
    }

    private Object object(JsonParser in, DeserializationContext context, Class<?> target)
        throws IOException {
      @Nullable JsonDeserializer<Object> known = target == RequestObject.class ? requests : locks;
      return known != null ? known.deserialize(in, context) : context.readValue(in, target);
    }

    private static WatchEvent event(
        DeserializationContext context,
        String type,
        String kind,
        long version,
        @Nullable Object body,
        @Nullable JsonNode pending)
        throws IOException {
      if (version < 0) {
        return context.reportInputMismatch(WatchEvent.class, "resourceVersion is missing");
      }
      if (type.equals("BOOKMARK")) {
        return new WatchEvent.Bookmark(version);
      }
      WatchEvent.ChangeType change;
      try {
        change = WatchEvent.ChangeType.valueOf(type);
      } catch (IllegalArgumentException e) {
        return context.reportInputMismatch(
            WatchEvent.class, "type '" + type + "' is not ADDED, MODIFIED, DELETED or BOOKMARK");
      }
      @Nullable Class<?> target = objectType(kind);
      if (target == null) {
        return context.reportInputMismatch(
            WatchEvent.class, "kind '" + kind + "' is not request or lock");
      }
      Object object =
          body != null
              ? body
              : context.readTreeAsValue(
                  pending == null ? MissingNode.getInstance() : pending, target);
      return object instanceof RequestObject request
          ? new WatchEvent.RequestChange(change, request, version)
          : new WatchEvent.LockChange(change, (LockObject) object, version);
    }

    private static @Nullable Class<?> objectType(String kind) {
      return switch (kind) {
        case "request" -> RequestObject.class;
        case "lock" -> LockObject.class;
        default -> null;
      };
    }

    private static long version(JsonParser in, JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NUMBER_INT) {
        return in.getLongValue();
      }
      if (token == JsonToken.VALUE_STRING) {
        try {
          return Long.parseLong(in.getText().trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      if (token.isStructStart()) {
        in.skipChildren();
      }
      return -1;
    }
  }
}
