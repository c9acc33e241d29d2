package dev.warden.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form in which the store keeps requests and locks, in their tables and in the watch
 * history. Written by hand rather than by data binding so that the stored format is fixed here and
 * cannot drift when a record gains a field.
 */
final class Snapshots {

  private final ObjectMapper mapper = new ObjectMapper();

  String write(StoredObject object) {
    ObjectNode node =
        switch (object) {
          case StoredRequest request -> requestNode(request);
          case StoredLock lock -> lockNode(lock);
        };
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bug: a tree of plain values did not serialize", e);
    }
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

  private ObjectNode requestNode(StoredRequest stored) {
    AccessRequest request = stored.request();
    ObjectNode node = mapper.createObjectNode();
    node.put("id", request.id().value());
    node.put("user", request.user().value());
    ArrayNode roles = node.putArray("roles");
    request.roles().forEach(role -> roles.add(role.value()));
    ArrayNode resources = node.putArray("resources");
    request.resources().forEach(resource -> resources.add(resource.value()));
    node.put("reason", request.reason());
    node.put("ttl", request.ttl().toString());
    node.put("state", request.state().name());
    node.put("created", request.created().toString());
    putNullable(node, "approved", request.approved());
    putNullable(node, "expires", request.expires());
    ArrayNode reviews = node.putArray("reviews");
    stored.reviews().forEach(review -> reviews.add(reviewNode(review)));
    node.put("resourceVersion", stored.resourceVersion());
    return node;
  }

  private ObjectNode reviewNode(Review review) {
    ObjectNode node = mapper.createObjectNode();
    node.set("author", actorNode(review.author()));
    node.put("decision", review.decision().name());
    node.put("reason", review.reason());
    node.put("decisionId", review.decisionId());
    node.put("time", review.time().toString());
    return node;
  }

  private ObjectNode lockNode(StoredLock stored) {
    Lock lock = stored.lock();
    ObjectNode node = mapper.createObjectNode();
    node.put("id", lock.id().value());
    ObjectNode target = node.putObject("target");
    target.put("kind", lock.target().kind());
    target.put("value", lock.target().value());
    node.put("message", lock.message());
    putNullable(node, "expires", lock.expires());
    node.set("createdBy", actorNode(stored.createdBy()));
    node.put("created", stored.created().toString());
    node.put("resourceVersion", stored.resourceVersion());
    return node;
  }

  private ObjectNode actorNode(Actor actor) {
    ObjectNode node = mapper.createObjectNode();
    node.put("name", actor.name());
    node.put("serial", actor.serial());
    return node;
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

  private static void putNullable(ObjectNode node, String field, @Nullable Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
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
