package dev.warden.broker.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.json.Json;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form in which the store keeps requests and locks, in their tables and in the watch
 * history. Written by hand rather than by data binding so that the stored format is fixed here and
 * cannot drift when a record gains a field. The wire's request object is written field by field too
 * ({@code RequestObjectSerializer}), with its own list of fields: the two formats look alike and
 * are kept apart on purpose, so that the API can change without rewriting stored rows.
 */
final class Snapshots {

  private final ObjectMapper mapper = new ObjectMapper();

  String write(StoredObject object) {
    StringWriter text = new StringWriter(512);
    try (JsonGenerator out = mapper.getFactory().createGenerator(text)) {
      switch (object) {
        case StoredRequest request -> writeRequest(out, request);
        case StoredLock lock -> writeLock(out, lock);
      }
    } catch (IOException e) {
      throw new IllegalStateException("bug: writing JSON into memory failed", e);
    }
    return text.toString();
  }

  StoredObject read(String kind, String json) {
    return switch (kind) {
      case StoredRequest.KIND -> readRequest(json);
      case StoredLock.KIND -> readLock(json);
      default -> throw new StoreException("stored object has the unknown kind '" + kind + "'");
    };
  }

  StoredRequest readRequest(String json) {
    JsonNode node = parse(json);
    try {
      AccessRequest request =
          new AccessRequest(
              RequestId.of(text(node, "id")),
              UserName.of(text(node, "user")),
              list(node, "roles").stream().map(RoleName::of).toList(),
              list(node, "resources").stream().map(ResourceId::of).toList(),
              text(node, "reason"),
              Json.parseDuration(text(node, "ttl")),
              RequestState.valueOf(text(node, "state")),
              instant(node, "created"),
              nullableInstant(node, "approved"),
              nullableInstant(node, "expires"));
      List<Review> reviews = new ArrayList<>();
      for (JsonNode review : node.path("reviews")) {
        reviews.add(readReview(review));
      }
      return new StoredRequest(request, reviews, node.path("resourceVersion").asLong());
    } catch (RuntimeException e) {
      throw corrupt("request", json, e);
    }
  }

  StoredLock readLock(String json) {
    JsonNode node = parse(json);
    try {
      JsonNode target = node.path("target");
      Lock lock =
          new Lock(
              LockId.of(text(node, "id")),
              LockTarget.of(text(target, "kind"), text(target, "value")),
              text(node, "message"),
              nullableInstant(node, "expires"));
      return new StoredLock(
          lock,
          actor(node.path("createdBy")),
          instant(node, "created"),
          node.path("resourceVersion").asLong());
    } catch (RuntimeException e) {
      throw corrupt("lock", json, e);
    }
  }

  // Written field by field, straight to the text: every creation and review stores one, and
  // building a tree first to serialize it was a visible share of the store writer's work.

  private static void writeRequest(JsonGenerator out, StoredRequest stored) throws IOException {
    AccessRequest request = stored.request();
    out.writeStartObject();
    out.writeStringField("id", request.id().value());
    out.writeStringField("user", request.user().value());
    out.writeArrayFieldStart("roles");
    for (RoleName role : request.roles()) {
      out.writeString(role.value());
    }
    out.writeEndArray();
    out.writeArrayFieldStart("resources");
    for (ResourceId resource : request.resources()) {
      out.writeString(resource.value());
    }
    out.writeEndArray();
    out.writeStringField("reason", request.reason());
    out.writeStringField("ttl", request.ttl().toString());
    out.writeStringField("state", request.state().name());
    out.writeStringField("created", Json.formatInstant(request.created()));
    writeNullable(out, "approved", request.approved());
    writeNullable(out, "expires", request.expires());
    out.writeArrayFieldStart("reviews");
    for (Review review : stored.reviews()) {
      writeReview(out, review);
    }
    out.writeEndArray();
    out.writeNumberField("resourceVersion", stored.resourceVersion());
    out.writeEndObject();
  }

  private static void writeReview(JsonGenerator out, Review review) throws IOException {
    out.writeStartObject();
    out.writeFieldName("author");
    writeActor(out, review.author());
    out.writeStringField("decision", review.decision().name());
    out.writeStringField("reason", review.reason());
    out.writeStringField("decisionId", review.decisionId());
    out.writeStringField("time", Json.formatInstant(review.time()));
    out.writeEndObject();
  }

  private static void writeLock(JsonGenerator out, StoredLock stored) throws IOException {
    Lock lock = stored.lock();
    out.writeStartObject();
    out.writeStringField("id", lock.id().value());
    out.writeObjectFieldStart("target");
    out.writeStringField("kind", lock.target().kind());
    out.writeStringField("value", lock.target().value());
    out.writeEndObject();
    out.writeStringField("message", lock.message());
    writeNullable(out, "expires", lock.expires());
    out.writeFieldName("createdBy");
    writeActor(out, stored.createdBy());
    out.writeStringField("created", Json.formatInstant(stored.created()));
    out.writeNumberField("resourceVersion", stored.resourceVersion());
    out.writeEndObject();
  }

  private static void writeActor(JsonGenerator out, Actor actor) throws IOException {
    out.writeStartObject();
    out.writeStringField("name", actor.name());
    out.writeStringField("serial", actor.serial());
    out.writeEndObject();
  }

  private static Review readReview(JsonNode node) {
    JsonNode decisionId = node.path("decisionId");
    return new Review(
        actor(node.path("author")),
        ReviewDecision.valueOf(text(node, "decision")),
        text(node, "reason"),
        decisionId.isTextual() ? decisionId.asText() : null,
        instant(node, "time"));
  }

  private static Actor actor(JsonNode node) {
    return new Actor(text(node, "name"), text(node, "serial"));
  }

  private JsonNode parse(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored object is not valid JSON: " + abbreviate(json), e);
    }
  }

  private static void writeNullable(JsonGenerator out, String field, @Nullable Instant value)
      throws IOException {
    if (value == null) {
      out.writeNullField(field);
    } else {
      out.writeStringField(field, Json.formatInstant(value));
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is missing or not text");
    }
    return value.asText();
  }

  private static List<String> list(JsonNode node, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : node.path(field)) {
      values.add(value.asText());
    }
    return values;
  }

  private static Instant instant(JsonNode node, String field) {
    return Json.parseInstant(text(node, field));
  }

  private static @Nullable Instant nullableInstant(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? Json.parseInstant(value.asText()) : null;
  }

  private static StoreException corrupt(String kind, String json, RuntimeException cause) {
    return new StoreException(
        "stored " + kind + " cannot be read (" + cause.getMessage() + "): " + abbreviate(json),
        cause);
  }

  private static String abbreviate(String json) {
    return json.length() <= 200 ? json : json.substring(0, 200) + "…";
  }
}
