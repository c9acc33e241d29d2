package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.CATALOG;
import static dev.warden.broker.store.Fixtures.PROD_DB;
import static dev.warden.broker.store.Fixtures.T0;
import static dev.warden.broker.store.Fixtures.WATCHER;
import static dev.warden.broker.store.Fixtures.WEB_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

  private final Snapshots snapshots = new Snapshots();

  @Test
  void request_withReviewsAndApproval_readsBackEqual() {
    AccessRequest approved =
        AccessRequest.pending(
                RequestId.of("r-abc"),
                UserName.of("alice"),
                List.of(PROD_DB),
                List.of(WEB_1),
                "INC-42 \"quoted\" and unicode é",
                Duration.ofMinutes(90),
                T0)
            .approvedAt(T0.plusSeconds(30), CATALOG);
    StoredRequest stored =
        new StoredRequest(
            approved,
            List.of(
                new Review(WATCHER, ReviewDecision.APPROVE, "ok", "d-1", T0.plusSeconds(30)),
                new Review(ALICE, ReviewDecision.DENY, "late", null, T0.plusSeconds(31))),
            7);

    StoredObject read = snapshots.read("request", snapshots.write(stored));

    assertThat(read).isEqualTo(stored);
  }

  @Test
  void lock_ofEveryTargetKind_readsBackEqual() {
    List<LockTarget> targets =
        List.of(
            new LockTarget.Request(RequestId.of("r-abc")),
            new LockTarget.User(UserName.of("alice")),
            new LockTarget.Role(PROD_DB),
            new LockTarget.Identity("ci-bot"));

    for (LockTarget target : targets) {
      StoredLock stored =
          new StoredLock(
              new Lock(LockId.of("l-" + target.kind()), target, "m", null), ALICE, T0, 3);

      assertThat(snapshots.read("lock", snapshots.write(stored))).isEqualTo(stored);
    }
  }

  /**
   * The stored text is exactly what the tree the store built before wrote: field order, escapes,
   * nulls and instants. Rows written by an older broker and by this one must read alike, and a
   * stored format does not change by accident.
   */
  @Test
  void write_isTheTextTheTreeWrote_forGeneratedRequestsAndLocks() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 2_000; i++) {
      AccessRequest pending =
          AccessRequest.pending(
              RequestId.of("r-" + i),
              UserName.of(random.nextBoolean() ? "alice" : "bob-" + i),
              random.nextBoolean() ? List.of(PROD_DB) : List.of(),
              random.nextBoolean() ? List.of(WEB_1) : List.of(),
              "reason " + i + (random.nextBoolean() ? " \"q\" \\ é \u2028 \t" : ""),
              Duration.ofSeconds(1 + random.nextInt(86_400)),
              T0.plusNanos(random.nextInt(3) == 0 ? random.nextInt(1_000_000_000) : 0));
      AccessRequest request =
          random.nextBoolean() ? pending : pending.approvedAt(T0.plusSeconds(i), CATALOG);
      List<Review> reviews =
          random.nextBoolean()
              ? List.of()
              : List.of(
                  new Review(
                      WATCHER,
                      ReviewDecision.APPROVE,
                      "ok " + i,
                      random.nextBoolean() ? "d-" + i : null,
                      T0.plusMillis(i)));
      StoredRequest stored = new StoredRequest(request, reviews, i + 1);
      assertThat(snapshots.write(stored))
          .isEqualTo(mapper.writeValueAsString(tree(mapper, stored)));

      Lock lock =
          new Lock(
              LockId.of("l-" + i),
              new LockTarget.User(UserName.of("alice")),
              "m \"" + i,
              random.nextBoolean() ? null : T0.plusSeconds(i));
      StoredLock storedLock = new StoredLock(lock, ALICE, T0.plusMillis(i), i + 1);
      assertThat(snapshots.write(storedLock))
          .isEqualTo(mapper.writeValueAsString(tree(mapper, storedLock)));
    }
  }

  /** The store's earlier way of building a request's text: a tree, serialized. */
  private static ObjectNode tree(ObjectMapper mapper, StoredRequest stored) {
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
    for (Review review : stored.reviews()) {
      ObjectNode one = reviews.addObject();
      one.set("author", actor(mapper, review.author()));
      one.put("decision", review.decision().name());
      one.put("reason", review.reason());
      one.put("decisionId", review.decisionId());
      one.put("time", review.time().toString());
    }
    node.put("resourceVersion", stored.resourceVersion());
    return node;
  }

  /** The store's earlier way of building a lock's text. */
  private static ObjectNode tree(ObjectMapper mapper, StoredLock stored) {
    Lock lock = stored.lock();
    ObjectNode node = mapper.createObjectNode();
    node.put("id", lock.id().value());
    ObjectNode target = node.putObject("target");
    target.put("kind", lock.target().kind());
    target.put("value", lock.target().value());
    node.put("message", lock.message());
    putNullable(node, "expires", lock.expires());
    node.set("createdBy", actor(mapper, stored.createdBy()));
    node.put("created", stored.created().toString());
    node.put("resourceVersion", stored.resourceVersion());
    return node;
  }

  private static ObjectNode actor(ObjectMapper mapper, Actor actor) {
    ObjectNode node = mapper.createObjectNode();
    node.put("name", actor.name());
    node.put("serial", actor.serial());
    return node;
  }

  private static void putNullable(ObjectNode node, String field, @Nullable Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
    }
  }

  @Test
  void read_ofDamagedJson_failsNamingTheKindAndTheField() {
    assertThatThrownBy(() -> snapshots.readRequest("{\"id\": \"r-1\"}"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("stored request cannot be read")
        .hasMessageContaining("'user'");
  }
}
