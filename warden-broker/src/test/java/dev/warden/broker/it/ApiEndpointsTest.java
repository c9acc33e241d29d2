package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.LockResult;
import dev.warden.api.client.ProblemException;
import dev.warden.api.json.Json;
import dev.warden.api.v1.AccessView;
import dev.warden.api.v1.CatalogObject;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.Permission;
import dev.warden.api.v1.RequestList;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WhoAmI;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint of API v1 over real HTTPS, each answering as the contract says. */
class ApiEndpointsTest {

  private static TestBroker broker;
  private static BrokerClient admin;
  private static BrokerClient alice;
  private static BrokerClient watcher;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    admin = broker.client("root", "admin");
    alice = broker.client("alice", "requester");
    watcher = broker.client("warden-watcher", "watcher");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static NewRequest prodDb(String reason) {
    return NewRequest.forCaller(
        List.of(RoleName.of("prod-db")),
        List.of(ResourceId.of("node/prod-web-1")),
        reason,
        Duration.ofHours(4));
  }

  @Test
  void health_andReadiness_answerOk() {
    assertThat(admin.healthy()).isTrue();

    assertThat(admin.ready()).isTrue();
  }

  @Test
  void whoami_listsNameRolesPermissionsAndExpiry() {
    WhoAmI me = watcher.whoami();

    assertThat(me.name()).isEqualTo("warden-watcher");
    assertThat(me.roles()).containsExactly("watcher");
    assertThat(me.permissions())
        .containsExactly(
            Permission.of("requests", "list", "read", "watch", "review"),
            Permission.of("locks", "list", "read", "watch"),
            Permission.scoped("locks", "warden-*", "create", "delete"),
            Permission.of("catalog", "read"));
    assertThat(me.expires()).isAfter(java.time.Instant.now());
    assertThat(me.kind()).isEqualTo("bot");
    assertThat(me.serial()).matches("[0-9a-f]+");
  }

  @Test
  void catalog_isTheCatalogInForce() {
    CatalogObject catalog = alice.catalog();

    assertThat(catalog.roles())
        .extracting(r -> r.name().value())
        .containsExactly("prod-db", "dev-db");
    assertThat(catalog.roles().get(0).maxTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(catalog.users()).extracting(u -> u.name().value()).contains("alice");
  }

  @Test
  void createRequest_returnsPendingObjectForTheCaller() {
    RequestObject created = alice.createRequest(prodDb("INC-42 debugging"));

    assertThat(created.user()).isEqualTo(UserName.of("alice"));
    assertThat(created.state()).isEqualTo(RequestState.PENDING);
    assertThat(created.locked()).isFalse();
    assertThat(created.active()).isFalse();
    assertThat(created.ttl()).isEqualTo(Duration.ofHours(4));
    assertThat(created.approved()).isNull();
    assertThat(created.resourceVersion()).isPositive();
  }

  @Test
  void getRequest_returnsTheObject_and404ForUnknownId() {
    RequestObject created = alice.createRequest(prodDb("read back"));

    RequestObject read = alice.getRequest(created.id());

    assertThat(read).isEqualTo(created);
    assertThatThrownBy(() -> alice.getRequest(RequestId.of("no-such-request")))
        .isInstanceOf(ProblemException.NotFoundException.class)
        .hasMessageContaining("no-such-request");
  }

  @Test
  void listRequests_filtersByStateAndUser_withResourceVersion() {
    RequestObject pending = alice.createRequest(prodDb("list me"));

    RequestList mine = admin.listRequests(RequestState.PENDING, UserName.of("alice"));

    assertThat(mine.items()).extracting(RequestObject::id).contains(pending.id());
    assertThat(mine.items()).allMatch(r -> r.state() == RequestState.PENDING);
    assertThat(mine.resourceVersion()).isGreaterThanOrEqualTo(pending.resourceVersion());
  }

  @Test
  void listRequests_isStreamedInChunks_asTheSameJsonAWholeAnswerWouldBe() throws Exception {
    RequestObject created = alice.createRequest(prodDb("stream me"));
    TestBroker.Raw raw = broker.raw(broker.issue("lister", "admin").asClientIdentity());

    HttpResponse<String> answer = raw.get("/v1/requests");

    // A Content-Length would mean the broker built the whole listing before sending it, which a
    // million requests do not fit; chunks are sent as the rows are read.
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Length")).isEmpty();
    assertThat(answer.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    RequestList listed = Json.readAnswer(answer.body(), RequestList.class);
    assertThat(listed.items()).extracting(RequestObject::id).contains(created.id());
    assertThat(answer.body())
        .isEqualTo(new String(Json.write(listed), StandardCharsets.UTF_8))
        .endsWith(",\"resourceVersion\":" + listed.resourceVersion() + "}");
  }

  @Test
  void listRequests_ofAnotherUsersRequests_isStillAnsweredWithAProblem() {
    TestBroker.Raw raw = broker.raw(broker.issue("carol", "requester").asClientIdentity());

    HttpResponse<String> answer = raw.get("/v1/requests?user=alice");

    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void review_approves_andSecondReviewConflictsWithCurrentState() throws Exception {
    RequestObject created = alice.createRequest(prodDb("approve me"));

    RequestObject approved =
        watcher.review(created.id(), new NewReview(ReviewDecision.APPROVE, "on call", "d-1"));

    assertThat(approved.state()).isEqualTo(RequestState.APPROVED);
    assertThat(approved.active()).isTrue();
    assertThat(approved.expires()).isEqualTo(approved.approved().plus(Duration.ofHours(4)));
    assertThat(approved.reviews())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.author()).isEqualTo("warden-watcher");
              assertThat(r.decisionId()).isEqualTo("d-1");
            });
    ProblemException.ConflictException conflict =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProblemException.ConflictException.class,
            () -> watcher.review(created.id(), new NewReview(ReviewDecision.DENY, "late", null)));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(Json.convert(conflict.problem().current(), RequestObject.class).state())
        .isEqualTo(RequestState.APPROVED);
  }

  @Test
  void locks_createIsIdempotent_conflictsOnOtherContent_andDeleteRemoves() {
    NewLock lock =
        new NewLock(
            LockId.of("warden-test-1"), new LockTarget.Role(RoleName.of("dev-db")), "freeze", null);

    LockResult first = watcher.createLock(lock);
    LockResult again = watcher.createLock(lock);

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.lock().id()).isEqualTo(first.lock().id());
    assertThatThrownBy(
            () ->
                watcher.createLock(new NewLock(lock.id(), lock.target(), "another message", null)))
        .isInstanceOf(ProblemException.ConflictException.class);
    assertThat(watcher.getLock(lock.id()).inForce()).isTrue();
    assertThat(watcher.listLocks().items())
        .extracting(l -> l.id().value())
        .contains("warden-test-1");
    watcher.deleteLock(lock.id());
    assertThatThrownBy(() -> watcher.getLock(lock.id()))
        .isInstanceOf(ProblemException.NotFoundException.class);
  }

  @Test
  void lockOnRole_makesApprovedRequestLockedAndInactive() {
    BrokerClient bob = broker.client("bob", "requester");
    RequestObject request =
        bob.createRequest(
            new NewRequest(
                null, List.of(RoleName.of("dev-db")), List.of(), "dev work", Duration.ofHours(1)));
    admin.review(request.id(), new NewReview(ReviewDecision.APPROVE, "fine", null));

    admin.createLock(
        new NewLock(
            LockId.of("freeze-dev"),
            new LockTarget.Role(RoleName.of("dev-db")),
            "change freeze",
            null));
    RequestObject locked = admin.getRequest(request.id());
    AccessView access = admin.access(UserName.of("bob"));
    admin.deleteLock(LockId.of("freeze-dev"));
    AccessView after = admin.access(UserName.of("bob"));

    assertThat(locked.state()).isEqualTo(RequestState.APPROVED);
    assertThat(locked.locked()).isTrue();
    assertThat(locked.active()).isFalse();
    assertThat(access.active()).isEmpty();
    assertThat(access.locks()).extracting(l -> l.id().value()).contains("freeze-dev");
    assertThat(after.active()).extracting(RequestObject::id).containsExactly(request.id());
  }

  @Test
  void lockedUser_cannotCreateRequest() {
    BrokerClient carol = broker.client("carol", "requester");
    admin.createLock(
        new NewLock(
            LockId.of("lock-carol"),
            new LockTarget.User(UserName.of("carol")),
            "offboarding",
            null));

    ProblemException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProblemException.class, () -> carol.createRequest(prodDb("let me in")));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().typeName()).isEqualTo("user-locked");
    assertThat(refused.problem().detail()).contains("lock-carol");
  }

  @Test
  void events_recordActorSerialReasonAndDecisionId_newestLast() {
    long before = admin.events(0).resourceVersion();
    RequestObject created = alice.createRequest(prodDb("audit me"));
    watcher.review(created.id(), new NewReview(ReviewDecision.DENY, "not on call", "d-77"));

    EventList events = admin.events(before);

    assertThat(events.items())
        .extracting(e -> e.type())
        .containsSubsequence("REQUEST_CREATED", "REQUEST_DENIED");
    var denial = events.items().get(events.items().size() - 1);
    assertThat(denial.actor().name()).isEqualTo("warden-watcher");
    assertThat(denial.actor().serial()).isNotBlank();
    assertThat(denial.reason()).isEqualTo("not on call");
    assertThat(denial.decisionId()).isEqualTo("d-77");
    assertThat(denial.id()).isEqualTo(created.id().value());
  }

  @Test
  void concurrentReviews_exactlyOneWins_othersConflict() throws Exception {
    int reviewers = 12;
    List<BrokerClient> clients = new ArrayList<>();
    for (int i = 0; i < reviewers; i++) {
      clients.add(broker.client("reviewer-" + i, "reviewer"));
      clients.get(i).whoami();
    }
    RequestObject request = alice.createRequest(prodDb("race"));
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < reviewers; i++) {
      BrokerClient client = clients.get(i);
      ReviewDecision decision = i % 2 == 0 ? ReviewDecision.APPROVE : ReviewDecision.DENY;
      calls.add(
          () -> {
            go.await();
            try {
              client.review(request.id(), new NewReview(decision, "race", null));
              return 200;
            } catch (ProblemException e) {
              return e.status();
            }
          });
    }

    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(reviewers)) {
      List<Future<Integer>> futures = new ArrayList<>();
      for (Callable<Integer> call : calls) {
        futures.add(pool.submit(call));
      }
      go.countDown();
      for (Future<Integer> future : futures) {
        statuses.add(future.get());
      }
    }

    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(reviewers - 1);
    assertThat(admin.getRequest(request.id()).reviews()).hasSize(1);
  }
}
